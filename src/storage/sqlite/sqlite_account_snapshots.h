// SqliteAccountSnapshots: app::AccountSnapshots for the embedded SQLite file, whose writers are
// all in this process. SqliteUnitOfWork records the accounts (and user-to-account links) each
// write unit of work changes in an AccountWriteLog, re-reads those rows just before its COMMIT
// and publishes them once it succeeded, stamped with the order in which the writers took SQLite's
// write lock, so a late publish never overwrites a newer one.
//
// Bounded: past `capacity` entries a shard is emptied (a miss only costs a database read).
// Thread-safe: 64 shards, each under its own lock, so the HTTP I/O threads seldom meet.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <unordered_map>
#include <vector>

#include "app/ports/account_snapshots.h"
#include "common/mutex.h"

namespace creditd::storage::sqlite {

class SqliteAccountSnapshots final : public app::AccountSnapshots {
 public:
  static constexpr size_t kDefaultCapacity = 131072;

  explicit SqliteAccountSnapshots(size_t capacity = kDefaultCapacity);
  SqliteAccountSnapshots(const SqliteAccountSnapshots&) = delete;
  SqliteAccountSnapshots& operator=(const SqliteAccountSnapshots&) = delete;
  ~SqliteAccountSnapshots() override = default;

  std::optional<domain::Account> Find(int64_t account_id) override;
  std::optional<int64_t> AccountOfUser(int64_t user_id) override;
  uint64_t generation() override { return generation_.load(std::memory_order_acquire); }
  void Offer(const domain::Account& account, std::optional<int64_t> user_id,
             uint64_t seen) override;

  // The next write sequence. Called by a write unit of work while it holds SQLite's write lock
  // (after its first write), so sequences follow the order of the writers' commits.
  uint64_t NextWriteSequence() { return sequence_.fetch_add(1) + 1; }

  // Stores `accounts`, committed by the unit of work with `sequence`, over any entry with an
  // older sequence; forgets the links of `users`.
  void Publish(const std::vector<domain::Account>& accounts, const std::vector<int64_t>& users,
               uint64_t sequence);

  // Drops the entries of `accounts` and the links of `users` (a commit that failed).
  void Forget(const std::vector<int64_t>& accounts, const std::vector<int64_t>& users);

  size_t size();

 private:
  struct Entry {
    domain::Account account;
    uint64_t sequence = 0;  // 0: offered by a reader.
  };
  struct Shard {
    Mutex mutex;
    std::unordered_map<int64_t, Entry> accounts GUARDED_BY(mutex);
    std::unordered_map<int64_t, int64_t> users GUARDED_BY(mutex);  // User id -> account id.
    // The write sequence when entries were last dropped here: a publish at or below it may be a
    // late one, older than a dropped entry, so it does not make a new entry.
    uint64_t floor GUARDED_BY(mutex) = 0;
    // The generation of the last publish or drop here: a reader's offer made with an older
    // generation() may be staler than what it would replace or bring back.
    uint64_t changed GUARDED_BY(mutex) = 0;
  };
  static constexpr size_t kShards = 64;

  Shard& ShardOf(int64_t id) { return shards_[static_cast<uint64_t>(id) % kShards]; }
  // Empties `shard` when one more entry would pass its share of the capacity.
  void MakeRoom(Shard& shard) REQUIRES(shard.mutex);
  // Records that entries of `shard` were dropped.
  void RaiseFloor(Shard& shard) REQUIRES(shard.mutex);
  uint64_t NextGeneration() { return generation_.fetch_add(1, std::memory_order_acq_rel) + 1; }

  const size_t shard_capacity_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> sequence_{0};
};

// The accounts and user links one write unit of work changed, for SqliteAccountSnapshots.
// Used by the unit of work's thread only.
class AccountWriteLog {
 public:
  explicit AccountWriteLog(SqliteAccountSnapshots& snapshots) : snapshots_(snapshots) {}

  // Called after a statement that changed the account row (or the user's account link)
  // succeeded, so this unit of work holds the write lock.
  void TouchAccount(int64_t account_id);
  void TouchUser(int64_t user_id);

  bool empty() const { return accounts_.empty() && users_.empty(); }
  // The changed accounts, each once.
  std::vector<int64_t> Accounts() const;
  const std::vector<int64_t>& users() const { return users_; }
  uint64_t sequence() const { return sequence_; }

 private:
  void Stamp();

  SqliteAccountSnapshots& snapshots_;
  std::vector<int64_t> accounts_;
  std::vector<int64_t> users_;
  uint64_t sequence_ = 0;
};

}  // namespace creditd::storage::sqlite
