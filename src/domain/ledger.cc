#include "domain/ledger.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/money.h"
#include "common/status_macros.h"
#include "domain/enum_names.h"

namespace creditd::domain {

namespace {
constexpr std::string_view kEntryTypeNames[] = {"RECHARGE", "CONSUME", "REFUND", "REWARD",
                                                "EXPIRE",   "ADJUST",  "GRANT"};
constexpr std::string_view kGrantSourceNames[] = {
    "purchase", "bonus", "plan_allowance", "reward", "redemption", "adjustment", "refund"};
// Keeps a single account's balance far below int64 so sums of accounts never overflow either.
constexpr int64_t kMaxAccountBalance = 1000 * kMaxCreditsPerOperation;

Status Broken(std::string detail) {
  return Status(reason::kInternal, "ledger invariant violated")
      .WithInternalDetail(std::move(detail));
}
}  // namespace

std::string_view EntryTypeName(EntryType type) {
  return kEntryTypeNames[static_cast<size_t>(type)];
}
std::optional<EntryType> ParseEntryType(std::string_view name) {
  return ParseEnumName<EntryType>(kEntryTypeNames, name);
}
std::string_view GrantSourceName(GrantSource source) {
  return kGrantSourceNames[static_cast<size_t>(source)];
}
std::optional<GrantSource> ParseGrantSource(std::string_view name) {
  return ParseEnumName<GrantSource>(kGrantSourceNames, name);
}

std::string_view AccountKindName(AccountKind kind) {
  return kind == AccountKind::kTeam ? "team" : "personal";
}
std::optional<AccountKind> ParseAccountKind(std::string_view name) {
  if (name == "personal") {
    return AccountKind::kPersonal;
  }
  if (name == "team") {
    return AccountKind::kTeam;
  }
  return std::nullopt;
}

int DefaultPriority(GrantSource source) {
  switch (source) {
    case GrantSource::kPlanAllowance:
      return kPriorityPlanAllowance;
    case GrantSource::kBonus:
    case GrantSource::kReward:
    case GrantSource::kRedemption:
      return kPriorityPromotional;
    case GrantSource::kPurchase:
    case GrantSource::kAdjustment:
    case GrantSource::kRefund:
      return kPriorityPurchased;
  }
  return kPriorityPurchased;
}

bool SpendsBefore(const Grant& a, const Grant& b) {
  if (a.priority != b.priority) {
    return a.priority < b.priority;
  }
  // A grant that expires is spent before one that never does, and sooner before later.
  if (a.expires_at != b.expires_at) {
    if (!a.expires_at) {
      return false;
    }
    if (!b.expires_at) {
      return true;
    }
    return *a.expires_at < *b.expires_at;
  }
  if (a.created_at != b.created_at) {
    return a.created_at < b.created_at;
  }
  return a.id < b.id;
}

void SortForSpending(std::vector<Grant>& grants) {
  std::sort(grants.begin(), grants.end(), SpendsBefore);
}

bool IsSpendable(const Grant& grant, Timestamp now) {
  return grant.remaining > 0 && (!grant.expires_at || *grant.expires_at > now);
}

bool IsDueToExpire(const Grant& grant, Timestamp now) {
  return grant.remaining > 0 && grant.expires_at && *grant.expires_at <= now;
}

Status ValidateOperationAmount(int64_t amount) {
  if (amount <= 0 || amount > kMaxCreditsPerOperation) {
    return Status(reason::kInvalidAmount, "amount must be between 1 and " +
                                              std::to_string(kMaxCreditsPerOperation) + " credits")
        .WithField("amount");
  }
  return Status::Ok();
}

Result<std::vector<Draw>> PlanDebit(std::vector<Grant> grants, int64_t amount, int64_t available,
                                    Timestamp now) {
  CREDITD_RETURN_IF_ERROR(ValidateOperationAmount(amount));
  SortForSpending(grants);
  std::vector<Draw> draws;
  int64_t left = amount;
  for (const Grant& grant : grants) {
    if (left == 0) {
      break;
    }
    if (!IsSpendable(grant, now)) {
      continue;
    }
    const int64_t take = std::min(left, grant.remaining);
    draws.push_back({grant.id, take});
    left -= take;
  }
  if (left > 0 || amount > available) {
    const int64_t spendable = std::min(amount - left, available);
    return Status(reason::kInsufficientCredits,
                  "not enough credits: " + std::to_string(amount) + " needed, " +
                      std::to_string(std::max<int64_t>(spendable, 0)) + " available");
  }
  return draws;
}

Result<int64_t> ApplyToBalance(int64_t balance, int64_t delta) {
  const auto sum = CheckedAdd(balance, delta);
  if (!sum || *sum > kMaxAccountBalance) {
    return Status(reason::kAmountOverflow, "the account balance would exceed its limit")
        .WithField("amount");
  }
  return *sum;
}

namespace {

// Entries: the account's own, in id order, each balance_after the running sum, and summing to
// the balance. Fills `entry_amounts` (by entry id).
Status CheckEntries(const AccountSnapshot& snapshot, const std::string& prefix,
                    std::map<int64_t, int64_t>& entry_amounts) {
  const Account& account = snapshot.account;
  int64_t running = 0;
  int64_t previous_id = 0;
  for (const LedgerEntry& entry : snapshot.entries) {
    if (entry.account_id != account.id) {
      return Broken(prefix + "entry " + std::to_string(entry.id) + " belongs elsewhere");
    }
    if (entry.id <= previous_id) {
      return Broken(prefix + "entries out of id order at " + std::to_string(entry.id));
    }
    previous_id = entry.id;
    running += entry.amount;
    if (entry.balance_after != running) {
      return Broken(prefix + "entry " + std::to_string(entry.id) + " balance_after " +
                    std::to_string(entry.balance_after) + " != running sum " +
                    std::to_string(running));
    }
    entry_amounts[entry.id] = entry.amount;
  }
  if (running != account.balance) {
    return Broken(prefix + "balance " + std::to_string(account.balance) + " != sum of entries " +
                  std::to_string(running));
  }
  return Status::Ok();
}

// Grants within 0..amount; held equal to the pending holds; what the grants have left plus what
// is held equal to the balance; nothing negative available.
Status CheckGrants(const AccountSnapshot& snapshot, const std::string& prefix) {
  const Account& account = snapshot.account;
  int64_t remaining = 0;
  for (const Grant& grant : snapshot.grants) {
    if (grant.remaining < 0 || grant.remaining > grant.amount) {
      return Broken(prefix + "grant " + std::to_string(grant.id) + " remaining " +
                    std::to_string(grant.remaining) + " outside 0.." +
                    std::to_string(grant.amount));
    }
    remaining += grant.remaining;
  }
  if (account.held < 0 || account.held != snapshot.pending_holds) {
    return Broken(prefix + "held " + std::to_string(account.held) + " != pending holds " +
                  std::to_string(snapshot.pending_holds));
  }
  if (remaining + account.held != account.balance) {
    return Broken(prefix + "grants remaining " + std::to_string(remaining) + " + held " +
                  std::to_string(account.held) + " != balance " + std::to_string(account.balance));
  }
  if (account.available() < 0) {
    return Broken(prefix + "available is negative");
  }
  return Status::Ok();
}

// Reserving moves credits from a grant into a hold without an entry (capture writes the entry):
// the pending allocations reference known grants and add up to the holds. Fills
// `held_per_grant`.
Status CheckAllocations(const AccountSnapshot& snapshot, const std::string& prefix,
                        std::map<int64_t, int64_t>& held_per_grant) {
  std::set<int64_t> grant_ids;
  for (const Grant& grant : snapshot.grants) {
    grant_ids.insert(grant.id);
  }
  int64_t allocated = 0;
  for (const Draw& allocation : snapshot.pending_allocations) {
    if (!grant_ids.contains(allocation.grant_id) || allocation.amount < 0) {
      return Broken(prefix + "a pending hold references an unknown grant");
    }
    held_per_grant[allocation.grant_id] += allocation.amount;
    allocated += allocation.amount;
  }
  if (allocated != snapshot.pending_holds) {
    return Broken(prefix + "pending holds " + std::to_string(snapshot.pending_holds) +
                  " != their grant allocations " + std::to_string(allocated));
  }
  return Status::Ok();
}

// Every entry moves exactly its amount across grants, and each grant's movements less what it
// holds equal what it has left.
Status CheckMovements(const AccountSnapshot& snapshot, const std::string& prefix,
                      const std::map<int64_t, int64_t>& entry_amounts,
                      std::map<int64_t, int64_t>& held_per_grant) {
  std::map<int64_t, int64_t> grant_moves;
  for (const Grant& grant : snapshot.grants) {
    grant_moves[grant.id] = 0;
  }
  std::map<int64_t, int64_t> moved_per_entry;
  for (const GrantMovement& movement : snapshot.movements) {
    auto grant = grant_moves.find(movement.grant_id);
    if (grant == grant_moves.end() || !entry_amounts.contains(movement.entry_id)) {
      return Broken(prefix + "movement references an unknown grant or entry");
    }
    grant->second += movement.amount;
    moved_per_entry[movement.entry_id] += movement.amount;
  }
  for (const auto& [entry_id, amount] : entry_amounts) {
    if (moved_per_entry[entry_id] != amount) {
      return Broken(prefix + "entry " + std::to_string(entry_id) + " amount " +
                    std::to_string(amount) + " != its grant movements " +
                    std::to_string(moved_per_entry[entry_id]));
    }
  }
  for (const Grant& grant : snapshot.grants) {
    if (grant_moves[grant.id] - held_per_grant[grant.id] != grant.remaining) {
      return Broken(prefix + "grant " + std::to_string(grant.id) + " remaining " +
                    std::to_string(grant.remaining) + " != its movements " +
                    std::to_string(grant_moves[grant.id]));
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckInvariants(const AccountSnapshot& snapshot) {
  const std::string prefix = "account " + std::to_string(snapshot.account.id) + ": ";
  std::map<int64_t, int64_t> entry_amounts;
  std::map<int64_t, int64_t> held_per_grant;
  CREDITD_RETURN_IF_ERROR(CheckEntries(snapshot, prefix, entry_amounts));
  CREDITD_RETURN_IF_ERROR(CheckGrants(snapshot, prefix));
  CREDITD_RETURN_IF_ERROR(CheckAllocations(snapshot, prefix, held_per_grant));
  return CheckMovements(snapshot, prefix, entry_amounts, held_per_grant);
}

}  // namespace creditd::domain
