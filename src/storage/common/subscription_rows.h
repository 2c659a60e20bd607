// Subscriptions as rows: the column list, the row-to-domain mapper and the parameter list both
// backends share (see row_reader.h). Header only; thread-safe.
#pragma once

#include "common/status_macros.h"
#include "domain/subscription.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

inline constexpr const char* kSubscriptionSelect =
    "SELECT id, account_id, provider, provider_customer_id, provider_subscription_id, price_id, "
    "plan_key, billing_interval, status, current_period_start, current_period_end, "
    "cancel_at_period_end, created_at, updated_at, provider_item_id, pending_plan_key, "
    "provider_state_at FROM subscriptions ";

template <RowReader Row>
Result<domain::Subscription> MapSubscription(const Row& row) {
  domain::Subscription subscription;
  subscription.id = row.Int64(0);
  subscription.account_id = row.Int64(1);
  subscription.provider = row.Text(2);
  subscription.provider_customer_id = row.Text(3);
  subscription.provider_subscription_id = row.Text(4);
  subscription.price_id = row.Text(5);
  subscription.plan_key = row.Text(6);
  CREDITD_ASSIGN_OR_RETURN(subscription.interval, EnumColumn(row, 7, domain::ParseBillingInterval,
                                                             "subscriptions.billing_interval"));
  CREDITD_ASSIGN_OR_RETURN(subscription.status, EnumColumn(row, 8, domain::ParseSubscriptionStatus,
                                                           "subscriptions.status"));
  subscription.current_period_start = TimeColumn(row, 9);
  subscription.current_period_end = TimeColumn(row, 10);
  subscription.cancel_at_period_end = BoolColumn(row, 11);
  subscription.created_at = TimeColumn(row, 12);
  subscription.updated_at = TimeColumn(row, 13);
  subscription.provider_item_id = row.Text(14);
  subscription.pending_plan_key = row.Text(15);
  subscription.provider_state_at = TimeColumn(row, 16);
  return subscription;
}

// The columns of kSubscriptionSelect but id, in its order (Insert and Update).
template <ParamWriter Params>
void BindSubscription(Params& params, const domain::Subscription& s) {
  params.Bind(s.account_id)
      .Bind(s.provider)
      .Bind(s.provider_customer_id)
      .Bind(s.provider_subscription_id)
      .Bind(s.price_id)
      .Bind(s.plan_key)
      .Bind(domain::BillingIntervalName(s.interval))
      .Bind(domain::SubscriptionStatusName(s.status))
      .Bind(ToUnixSeconds(s.current_period_start))
      .Bind(ToUnixSeconds(s.current_period_end))
      .Bind(BoolParam(s.cancel_at_period_end))
      .Bind(ToUnixSeconds(s.created_at))
      .Bind(ToUnixSeconds(s.updated_at))
      .Bind(s.provider_item_id)
      .Bind(s.pending_plan_key)
      .Bind(ToUnixSeconds(s.provider_state_at));
}

}  // namespace creditd::storage
