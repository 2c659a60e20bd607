#include "app/subscription_sync.h"

#include <algorithm>
#include <vector>

#include "app/credit_ledger.h"
#include "app/ports/account_repository.h"
#include "app/ports/subscription_repository.h"
#include "common/status_macros.h"

namespace creditd::app {

using domain::Subscription;

Result<bool> GrantPlanCredits(UnitOfWork& uow, std::string_view provider,
                              const std::string& reference, int64_t account_id,
                              std::optional<int64_t> subscription_id, int64_t credits,
                              Timestamp expires, const std::string& description, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(const auto granted, uow.billing().FindCredit(provider, reference));
  if (granted) {
    return false;
  }
  SubscriptionCredit credit;
  credit.provider = std::string(provider);
  credit.reference = reference;
  credit.account_id = account_id;
  credit.subscription_id = subscription_id;
  credit.created_at = now;
  if (credits > 0 && expires > now) {
    CreditCommand command;
    command.account_id = account_id;
    command.amount = credits;
    command.type = domain::EntryType::kGrant;
    command.source = domain::GrantSource::kPlanAllowance;
    command.expires_at = expires;
    command.reference = std::string(provider) + ":" + reference;
    command.description = description;
    CREDITD_ASSIGN_OR_RETURN(const domain::LedgerEntry entry,
                             CreditLedger::AddCredits(uow, command, now));
    credit.credits = credits;
    credit.entry_id = entry.id;
  }
  CREDITD_RETURN_IF_ERROR(uow.billing().InsertCredit(credit).status());
  return true;
}

Result<PlanPrice> SubscriptionSync::FindPrice(std::string_view price_id) {
  CREDITD_ASSIGN_OR_RETURN(const auto table, provider_.Prices());
  const auto found = table.find(std::string(price_id));
  if (found == table.end()) {
    return Status(reason::kPriceNotFound, "no plan has the price " + std::string(price_id) +
                                              "; GET /api/subscription lists the prices")
        .WithField("priceId");
  }
  return found->second;
}

Result<EventOutcome> SubscriptionSync::ApplySubscription(UnitOfWork& uow,
                                                         const ProviderSubscription& state,
                                                         Timestamp state_at, Timestamp now) {
  const std::string_view provider = provider_.name();
  CREDITD_ASSIGN_OR_RETURN(std::optional<Subscription> existing,
                           uow.subscriptions().FindByProviderId(provider, state.id));
  std::optional<int64_t> account = state.account_id;
  if (existing) {
    account = existing->account_id;
  } else if (!account) {
    CREDITD_ASSIGN_OR_RETURN(account,
                             uow.billing().FindAccountOfCustomer(provider, state.customer_id));
  }
  if (!account) {
    return EventOutcome::kIgnored;  // Not a subscription creditd started.
  }
  // Serialises every billing change of the account (a row lock on PostgreSQL).
  CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(*account).status());
  if (existing) {
    // Read again under the lock: another event may have changed it.
    CREDITD_ASSIGN_OR_RETURN(existing, uow.subscriptions().FindByProviderId(provider, state.id));
    if (domain::IsStaleState(*existing, state_at, state.status)) {
      return EventOutcome::kIgnored;
    }
  }
  CREDITD_ASSIGN_OR_RETURN(const PlanPrice price, FindPrice(state.price_id));
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan reported, catalog_.PlanByKey(price.plan_key));
  std::optional<domain::Plan> stored_plan;
  if (existing && existing->plan_key != reported.key) {
    CREDITD_ASSIGN_OR_RETURN(stored_plan, catalog_.PlanByKey(existing->plan_key));
  }
  const domain::PlanAssignment plan =
      domain::AssignPlan(existing ? &*existing : nullptr, stored_plan ? &*stored_plan : nullptr,
                         state.current_period_start, reported);
  if (existing && domain::EndsStoredPeriod(*existing, state.current_period_start, state.status)) {
    // The ended period's credits expire now rather than at the grant expiry job's next run, so
    // the balance shown right after a renewal or lapse is already right.
    CREDITD_RETURN_IF_ERROR(CreditLedger::ExpireDueGrants(uow, *account, now).status());
  }

  Subscription next = existing.value_or(Subscription{});
  if (!existing) {
    next.account_id = *account;
    next.provider = std::string(provider);
    next.provider_subscription_id = state.id;
    next.created_at = now;
  }
  next.plan_key = plan.plan_key;
  next.pending_plan_key = plan.pending_plan_key;
  next.provider_customer_id = state.customer_id;
  next.provider_item_id = state.item_id;
  next.price_id = state.price_id;
  next.interval = price.interval;
  next.status = state.status;
  next.current_period_start = state.current_period_start;
  next.current_period_end = state.current_period_end;
  next.cancel_at_period_end = state.cancel_at_period_end;
  next.provider_state_at = state_at;
  next.updated_at = now;
  if (existing) {
    CREDITD_RETURN_IF_ERROR(uow.subscriptions().Update(next));
  } else {
    CREDITD_RETURN_IF_ERROR(uow.subscriptions().Insert(next).status());
  }
  if (!state.customer_id.empty()) {
    CREDITD_RETURN_IF_ERROR(
        uow.billing().InsertCustomer(*account, provider, state.customer_id, now).status());
  }
  return EventOutcome::kProcessed;
}

Result<EventOutcome> SubscriptionSync::ApplyInvoicePaid(UnitOfWork& uow,
                                                        const ProviderInvoice& invoice,
                                                        Timestamp now) {
  const std::string_view provider = provider_.name();
  if (invoice.subscription_id.empty()) {
    return EventOutcome::kIgnored;  // An invoice outside subscriptions.
  }
  CREDITD_ASSIGN_OR_RETURN(const std::optional<Subscription> subscription,
                           uow.subscriptions().FindByProviderId(provider, invoice.subscription_id));
  if (!subscription) {
    return EventOutcome::kIgnored;  // Not a subscription invoice of creditd's.
  }
  CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(subscription->account_id).status());
  CREDITD_ASSIGN_OR_RETURN(const auto granted, uow.billing().FindCredit(provider, invoice.id));
  if (granted) {
    return EventOutcome::kIgnored;  // This invoice's credits were granted before.
  }
  CREDITD_ASSIGN_OR_RETURN(const auto prices, provider_.Prices());

  int64_t credits = 0;
  Timestamp expires = invoice.period_end;
  std::string description;
  if (!invoice.prorations.empty()) {
    std::vector<domain::ProrationShare> shares;
    for (const ProrationLine& line : invoice.prorations) {
      const auto price = prices.find(line.price_id);
      if (price == prices.end()) {
        continue;  // A price creditd does not sell: no credits either way.
      }
      CREDITD_ASSIGN_OR_RETURN(const domain::Plan plan, catalog_.PlanByKey(price->second.plan_key));
      shares.push_back({domain::PeriodAllowance(plan, price->second.interval), line.amount >= 0,
                        line.period_start, line.period_end});
      expires = std::max(expires, line.period_end);
    }
    credits = domain::ProrationCredits(
        shares, std::chrono::duration_cast<std::chrono::seconds>(
                    subscription->current_period_end - subscription->current_period_start));
    description = "prorated plan credits for the plan change (invoice " + invoice.id + ")";
  } else {
    CREDITD_ASSIGN_OR_RETURN(
        const PlanPrice price,
        FindPrice(invoice.price_id.empty() ? subscription->price_id : invoice.price_id));
    CREDITD_ASSIGN_OR_RETURN(const domain::Plan plan, catalog_.PlanByKey(price.plan_key));
    credits = domain::PeriodAllowance(plan, price.interval);
    description = plan.name + " plan credits for the period to " +
                  FormatRfc3339(invoice.period_end) + " (invoice " + invoice.id + ")";
  }
  CREDITD_RETURN_IF_ERROR(GrantPlanCredits(uow, provider, invoice.id, subscription->account_id,
                                           subscription->id, credits, expires, description, now)
                              .status());
  return EventOutcome::kProcessed;
}

}  // namespace creditd::app
