#include "storage/sqlite/sqlite_account_snapshots.h"

#include <algorithm>

namespace creditd::storage::sqlite {

SqliteAccountSnapshots::SqliteAccountSnapshots(size_t capacity)
    : shard_capacity_(std::max<size_t>(1, capacity / kShards)) {}

std::optional<domain::Account> SqliteAccountSnapshots::Find(int64_t account_id) {
  Shard& shard = ShardOf(account_id);
  const MutexLock lock(shard.mutex);
  const auto found = shard.accounts.find(account_id);
  if (found == shard.accounts.end()) {
    return std::nullopt;
  }
  return found->second.account;
}

std::optional<int64_t> SqliteAccountSnapshots::AccountOfUser(int64_t user_id) {
  Shard& shard = ShardOf(user_id);
  const MutexLock lock(shard.mutex);
  const auto found = shard.users.find(user_id);
  if (found == shard.users.end()) {
    return std::nullopt;
  }
  return found->second;
}

void SqliteAccountSnapshots::Offer(const domain::Account& account, std::optional<int64_t> user_id,
                                   uint64_t seen) {
  // Checked under the shard's lock: a publish marks a shard changed before it stores anything
  // there, so an offer that passes the check is either older than an entry the publish stores
  // after it (and overwritten), or meets that entry here (and kept out by try_emplace). Writes
  // to other shards do not matter, so readers' offers are kept under a steady write load.
  {
    Shard& shard = ShardOf(account.id);
    const MutexLock lock(shard.mutex);
    if (shard.changed > seen) {
      return;
    }
    if (!shard.accounts.contains(account.id)) {
      MakeRoom(shard);
    }
    shard.accounts.try_emplace(account.id, Entry{account, 0});
  }
  if (user_id) {
    // A user's personal account is linked in the transaction that creates the user and never
    // changes (AuthService); a link written since is forgotten by its publish.
    Shard& shard = ShardOf(*user_id);
    const MutexLock lock(shard.mutex);
    if (shard.changed > seen) {
      return;
    }
    if (!shard.users.contains(*user_id)) {
      MakeRoom(shard);
    }
    shard.users.try_emplace(*user_id, account.id);
  }
}

void SqliteAccountSnapshots::Publish(const std::vector<domain::Account>& accounts,
                                     const std::vector<int64_t>& users, uint64_t sequence) {
  const uint64_t generation = NextGeneration();
  for (const domain::Account& account : accounts) {
    Shard& shard = ShardOf(account.id);
    const MutexLock lock(shard.mutex);
    shard.changed = generation;
    const auto found = shard.accounts.find(account.id);
    if (found == shard.accounts.end()) {
      if (sequence <= shard.floor) {
        continue;  // Perhaps older than a dropped entry; the next read fetches it.
      }
      MakeRoom(shard);
      shard.accounts.emplace(account.id, Entry{account, sequence});
    } else if (found->second.sequence == 0 && sequence <= shard.floor) {
      // An offered row was read when this account had no entry: after a drop, which raised the
      // floor past every writer that could have committed before that read. This publish may
      // be older than what the reader read, so neither row is trusted.
      shard.accounts.erase(found);
    } else if (found->second.sequence < sequence) {
      found->second = Entry{account, sequence};
    }
  }
  for (const int64_t user_id : users) {
    Shard& shard = ShardOf(user_id);
    const MutexLock lock(shard.mutex);
    shard.changed = generation;
    shard.users.erase(user_id);
  }
}

void SqliteAccountSnapshots::Forget(const std::vector<int64_t>& accounts,
                                    const std::vector<int64_t>& users) {
  const uint64_t generation = NextGeneration();
  for (const int64_t account_id : accounts) {
    Shard& shard = ShardOf(account_id);
    const MutexLock lock(shard.mutex);
    shard.changed = generation;
    shard.accounts.erase(account_id);
    RaiseFloor(shard);
  }
  for (const int64_t user_id : users) {
    Shard& shard = ShardOf(user_id);
    const MutexLock lock(shard.mutex);
    shard.changed = generation;
    shard.users.erase(user_id);
  }
}

size_t SqliteAccountSnapshots::size() {
  size_t total = 0;
  for (Shard& shard : shards_) {
    const MutexLock lock(shard.mutex);
    total += shard.accounts.size() + shard.users.size();
  }
  return total;
}

void SqliteAccountSnapshots::MakeRoom(Shard& shard) {
  if (shard.accounts.size() + shard.users.size() < shard_capacity_) {
    return;
  }
  // Marked first: a reader's row read before the clear must not come back as an offer.
  shard.changed = NextGeneration();
  shard.accounts.clear();
  shard.users.clear();
  RaiseFloor(shard);
}

void SqliteAccountSnapshots::RaiseFloor(Shard& shard) {
  shard.floor = sequence_.load();
}

void AccountWriteLog::Stamp() {
  if (sequence_ == 0) {
    sequence_ = snapshots_.NextWriteSequence();
  }
}

void AccountWriteLog::TouchAccount(int64_t account_id) {
  Stamp();
  if (accounts_.empty() || accounts_.back() != account_id) {
    accounts_.push_back(account_id);
  }
}

void AccountWriteLog::TouchUser(int64_t user_id) {
  Stamp();
  users_.push_back(user_id);
}

std::vector<int64_t> AccountWriteLog::Accounts() const {
  std::vector<int64_t> ids = accounts_;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace creditd::storage::sqlite
