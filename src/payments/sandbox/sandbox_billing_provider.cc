#include "payments/sandbox/sandbox_billing_provider.h"

#include "app/ports/billing_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"

namespace creditd::payments::sandbox {

using app::ProviderEventKind;
using app::ProviderSubscription;
using domain::Subscription;
using domain::SubscriptionStatus;

namespace {

constexpr std::string_view kName = "sandbox";

ProviderSubscription ToProvider(const Subscription& s) {
  ProviderSubscription state;
  state.id = s.provider_subscription_id;
  state.customer_id = s.provider_customer_id;
  state.item_id = s.provider_item_id;
  state.price_id = s.price_id;
  state.status = s.status;
  state.current_period_start = s.current_period_start;
  state.current_period_end = s.current_period_end;
  state.cancel_at_period_end = s.cancel_at_period_end;
  state.account_id = s.account_id;
  return state;
}

Status NotHosted(std::string_view what) {
  return Status(reason::kProviderError,
                "the sandbox provider has no " + std::string(what) + " of its own");
}

// The price of a plan for one period billed every `interval`, in minor units.
int64_t PeriodPrice(const domain::Plan& plan, domain::BillingInterval interval) {
  return (interval == domain::BillingInterval::kYear ? plan.yearly_price : plan.monthly_price)
      .amount_minor();
}

}  // namespace

Status SandboxDisabled() {
  return Status(reason::kSandboxDisabled,
                "the sandbox payment provider is off on this server (it runs only when creditd is "
                "started with --payments-sandbox on a loopback address)");
}

SandboxBillingProvider::SandboxBillingProvider(app::Database& database,
                                               app::CatalogService& catalog, const Clock& clock,
                                               std::chrono::seconds period)
    : database_(database), catalog_(catalog), clock_(clock), period_(period) {}

Timestamp SandboxBillingProvider::PeriodEnd(Timestamp start,
                                            domain::BillingInterval interval) const {
  if (period_.count() > 0) {
    return start + period_;
  }
  return domain::AddBillingInterval(start, interval);
}

Result<std::map<std::string, app::PlanPrice>> SandboxBillingProvider::Prices() {
  CREDITD_ASSIGN_OR_RETURN(const auto catalog, catalog_.Cached());
  std::map<std::string, app::PlanPrice> table;
  for (const domain::Plan& plan : catalog->plans) {
    if (plan.monthly_price.amount_minor() > 0) {
      table["sandbox_" + plan.key + "_monthly"] =
          app::PlanPrice{plan.key, domain::BillingInterval::kMonth};
    }
    if (plan.yearly_price.amount_minor() > 0) {
      table["sandbox_" + plan.key + "_yearly"] =
          app::PlanPrice{plan.key, domain::BillingInterval::kYear};
    }
  }
  return table;
}

Result<app::PlanPrice> SandboxBillingProvider::PriceOf(std::string_view price_id) {
  CREDITD_ASSIGN_OR_RETURN(const auto table, Prices());
  const auto found = table.find(std::string(price_id));
  if (found == table.end()) {
    return Status(reason::kPriceNotFound, "the sandbox has no price " + std::string(price_id))
        .WithField("priceId");
  }
  return found->second;
}

Status SandboxBillingProvider::Deliver(ProviderEventKind kind, std::string id, Timestamp at,
                                       std::optional<ProviderSubscription> subscription,
                                       std::optional<app::ProviderInvoice> invoice) {
  if (sink_ == nullptr) {
    return Status(reason::kInternal, "internal error")
        .WithInternalDetail("the sandbox billing provider has no event sink");
  }
  app::ProviderEvent event;
  event.id = std::move(id);
  event.kind = kind;
  event.created = at;
  std::string payload;
  if (subscription) {
    event.type = "subscription";
    payload = "subscription " + subscription->id + " " +
              std::string(domain::SubscriptionStatusName(subscription->status)) + " " +
              subscription->price_id + " " + FormatRfc3339(subscription->current_period_start) +
              " to " + FormatRfc3339(subscription->current_period_end);
  }
  if (invoice) {
    event.type = "invoice";
    payload = "invoice " + invoice->id + " paid " + std::to_string(invoice->amount_paid) + " " +
              invoice->currency + " for " + invoice->subscription_id;
  }
  event.subscription = std::move(subscription);
  event.invoice = std::move(invoice);
  return sink_->Deliver(kName, event, payload);
}

Result<app::ProviderInvoice> SandboxBillingProvider::PeriodInvoice(
    const ProviderSubscription& state, std::string id, std::string billing_reason) {
  CREDITD_ASSIGN_OR_RETURN(const app::PlanPrice price, PriceOf(state.price_id));
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan plan, catalog_.PlanByKey(price.plan_key));
  app::ProviderInvoice invoice;
  invoice.id = std::move(id);
  invoice.customer_id = state.customer_id;
  invoice.subscription_id = state.id;
  invoice.billing_reason = std::move(billing_reason);
  invoice.amount_paid = PeriodPrice(plan, price.interval);
  invoice.currency = plan.currency().code();
  invoice.period_start = state.current_period_start;
  invoice.period_end = state.current_period_end;
  invoice.price_id = state.price_id;
  return invoice;
}

Result<std::string> SandboxBillingProvider::CreateCustomer(int64_t account_id,
                                                           std::string_view /*email*/,
                                                           std::string_view /*idempotency_key*/) {
  return "sbx_cus_" + std::to_string(account_id);
}

Result<std::string> SandboxBillingProvider::CreateSubscriptionCheckout(
    const app::SubscriptionCheckoutRequest& request) {
  CREDITD_RETURN_IF_ERROR(PriceOf(request.price_id).status());
  const Timestamp now = clock_.Now();
  // Digits only (the page's path), unique within a process: the second and a counter.
  const std::string number =
      std::to_string(ToUnixSeconds(now) * 1000 + static_cast<int64_t>(next_id_++ % 1000));
  ProviderSubscription state;
  state.id = "sbx_sub_" + number;
  state.customer_id = request.customer_id;
  state.item_id = "sbx_si_" + number;
  state.price_id = request.price_id;
  state.status = SubscriptionStatus::kIncomplete;
  state.current_period_start = now;
  state.current_period_end = now;
  state.account_id = request.account_id;
  CREDITD_RETURN_IF_ERROR(Deliver(ProviderEventKind::kSubscriptionChanged,
                                  "sbx_evt_" + state.id + "_created", now, state, std::nullopt));
  return base_url_ + "/sandbox/subscription/" + state.id;
}

Result<Subscription> SandboxBillingProvider::Find(std::string_view subscription_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const std::optional<Subscription> found,
      app::InTransaction(database_, app::TransactionMode::kRead, [&](app::UnitOfWork& uow) {
        return uow.subscriptions().FindByProviderId(kName, subscription_id);
      }));
  if (!found) {
    return Status(reason::kSubscriptionNotFound,
                  "no sandbox subscription " + std::string(subscription_id));
  }
  return *found;
}

Result<std::vector<ProviderSubscription>> SandboxBillingProvider::ListSubscriptions(
    std::string_view customer_id, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const std::optional<Subscription> current,
      app::InTransaction(database_, app::TransactionMode::kRead,
                         [&](app::UnitOfWork& uow) -> Result<std::optional<Subscription>> {
                           CREDITD_ASSIGN_OR_RETURN(
                               const std::optional<int64_t> account,
                               uow.billing().FindAccountOfCustomer(kName, customer_id));
                           if (!account) {
                             return std::optional<Subscription>();
                           }
                           return uow.subscriptions().FindCurrent(*account);
                         }));
  std::vector<ProviderSubscription> out;
  if (current && current->provider == kName && limit > 0) {
    out.push_back(ToProvider(*current));
  }
  return out;
}

Result<std::string> SandboxBillingProvider::CreatePortalSession(std::string_view customer_id,
                                                                std::string_view /*return_url*/) {
  CREDITD_ASSIGN_OR_RETURN(const auto subscriptions, ListSubscriptions(customer_id, 1));
  if (subscriptions.empty()) {
    return Status(reason::kSubscriptionNotFound, "the account has no sandbox subscription");
  }
  // The sandbox has no portal: its subscription page shows the state.
  return base_url_ + "/sandbox/subscription/" + subscriptions.front().id;
}

Result<ProviderSubscription> SandboxBillingProvider::RetrieveSubscription(
    std::string_view subscription_id) {
  CREDITD_ASSIGN_OR_RETURN(const Subscription stored, Find(subscription_id));
  return ToProvider(stored);
}

Result<ProviderSubscription> SandboxBillingProvider::ChangePrice(std::string_view subscription_id,
                                                                 std::string_view /*item_id*/,
                                                                 std::string_view price_id,
                                                                 bool prorate,
                                                                 std::string_view idempotency_key) {
  CREDITD_ASSIGN_OR_RETURN(const Subscription stored, Find(subscription_id));
  CREDITD_ASSIGN_OR_RETURN(const app::PlanPrice to, PriceOf(price_id));
  ProviderSubscription state = ToProvider(stored);
  state.price_id = std::string(price_id);
  if (!prorate) {
    return state;  // The new price bills from the next period.
  }
  // The upgrade is invoiced now: the new price for the time left, less the old one's.
  const Timestamp now = clock_.Now();
  CREDITD_ASSIGN_OR_RETURN(const app::PlanPrice from, PriceOf(stored.price_id));
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan from_plan, catalog_.PlanByKey(from.plan_key));
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan to_plan, catalog_.PlanByKey(to.plan_key));
  const int64_t length =
      ToUnixSeconds(stored.current_period_end) - ToUnixSeconds(stored.current_period_start);
  const int64_t left = ToUnixSeconds(stored.current_period_end) - ToUnixSeconds(now);
  const auto part = [&](int64_t price) {
    return length > 0 && left > 0 ? domain::ProportionalShare(price, std::min(left, length), length)
                                  : 0;
  };
  app::ProviderInvoice invoice;
  invoice.id = "sbx_in_" + std::string(idempotency_key);
  invoice.customer_id = stored.provider_customer_id;
  invoice.subscription_id = stored.provider_subscription_id;
  invoice.billing_reason = "subscription_update";
  invoice.currency = to_plan.currency().code();
  invoice.period_start = now;
  invoice.period_end = stored.current_period_end;
  invoice.price_id = state.price_id;
  invoice.prorations.push_back(
      {state.price_id, part(PeriodPrice(to_plan, to.interval)), now, stored.current_period_end});
  invoice.prorations.push_back({stored.price_id, -part(PeriodPrice(from_plan, from.interval)), now,
                                stored.current_period_end});
  invoice.amount_paid = invoice.prorations[0].amount + invoice.prorations[1].amount;
  CREDITD_RETURN_IF_ERROR(Deliver(ProviderEventKind::kInvoicePaid, "sbx_evt_" + invoice.id, now,
                                  std::nullopt, invoice));
  return state;
}

Result<ProviderSubscription> SandboxBillingProvider::Cancel(std::string_view subscription_id,
                                                            bool at_period_end,
                                                            std::string_view /*idempotency_key*/) {
  CREDITD_ASSIGN_OR_RETURN(const Subscription stored, Find(subscription_id));
  ProviderSubscription state = ToProvider(stored);
  if (at_period_end) {
    state.cancel_at_period_end = true;
  } else {
    state.status = SubscriptionStatus::kCanceled;
  }
  return state;
}

Result<std::vector<app::ProviderInvoice>> SandboxBillingProvider::ListPaidInvoices(
    std::string_view /*subscription_id*/, int /*limit*/) {
  return std::vector<app::ProviderInvoice>();
}

Result<std::optional<std::string>> SandboxBillingProvider::FindInvoiceOfPayment(
    std::string_view /*payment_intent_id*/) {
  return std::optional<std::string>();
}

Result<app::ProviderCheckout> SandboxBillingProvider::QueryCheckout(
    const domain::Order& /*order*/) {
  return NotHosted("hosted order checkout");
}

Result<app::ProviderRefund> SandboxBillingProvider::Refund(const domain::Order& /*order*/,
                                                           std::optional<int64_t> /*amount*/,
                                                           std::string_view /*idempotency_key*/) {
  return NotHosted("refunds");
}

Result<app::ProviderEvent> SandboxBillingProvider::ParseEvent(
    const app::ProviderNotification& /*notification*/, Timestamp /*now*/) {
  return Status(reason::kInvalidSignature,
                "the sandbox provider sends no notifications over HTTP; its events are delivered "
                "in process");
}

Result<Subscription> SandboxBillingProvider::Pay(std::string_view subscription_id) {
  CREDITD_ASSIGN_OR_RETURN(const Subscription stored, Find(subscription_id));
  if (stored.status != SubscriptionStatus::kIncomplete) {
    return stored;  // Paid before.
  }
  CREDITD_ASSIGN_OR_RETURN(
      const std::optional<Subscription> current,
      app::InTransaction(database_, app::TransactionMode::kRead, [&](app::UnitOfWork& uow) {
        return uow.subscriptions().FindCurrent(stored.account_id);
      }));
  if (current && current->id != stored.id && domain::GrantsAccess(current->status)) {
    return Status(reason::kSubscriptionExists,
                  "the account already has a " + current->plan_key + " subscription");
  }
  const Timestamp now = clock_.Now();
  ProviderSubscription state = ToProvider(stored);
  state.status = SubscriptionStatus::kActive;
  state.current_period_start = now;
  state.current_period_end = PeriodEnd(now, stored.interval);
  // Named after the subscription alone: a second Pay delivers the same events, applied once.
  CREDITD_RETURN_IF_ERROR(Deliver(ProviderEventKind::kSubscriptionChanged,
                                  "sbx_evt_" + state.id + "_paid", now, state, std::nullopt));
  CREDITD_ASSIGN_OR_RETURN(
      app::ProviderInvoice invoice,
      PeriodInvoice(state, "sbx_in_" + state.id + "_first", "subscription_create"));
  std::string event_id = "sbx_evt_" + invoice.id;
  CREDITD_RETURN_IF_ERROR(Deliver(ProviderEventKind::kInvoicePaid, std::move(event_id), now,
                                  std::nullopt, std::move(invoice)));
  return Find(subscription_id);
}

Result<int64_t> SandboxBillingProvider::RenewDue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const std::vector<Subscription> due,
      app::InTransaction(database_, app::TransactionMode::kRead, [&](app::UnitOfWork& uow) {
        return uow.subscriptions().ListDueForRenewal(kName, now, limit);
      }));
  int64_t reported = 0;
  for (const Subscription& subscription : due) {
    if (!domain::GrantsAccess(subscription.status) || subscription.current_period_end > now) {
      continue;
    }
    // Named after the period that ends: another process renewing the same one sends the same.
    const std::string ended = std::to_string(ToUnixSeconds(subscription.current_period_end));
    ProviderSubscription state = ToProvider(subscription);
    if (subscription.cancel_at_period_end) {
      state.status = SubscriptionStatus::kCanceled;  // The account is back on free.
      CREDITD_RETURN_IF_ERROR(Deliver(ProviderEventKind::kSubscriptionChanged,
                                      "sbx_evt_" + state.id + "_ended_" + ended, now, state,
                                      std::nullopt));
      ++reported;
      continue;
    }
    // The next period at the price it has now: a pending downgrade takes effect.
    CREDITD_ASSIGN_OR_RETURN(const app::PlanPrice price, PriceOf(subscription.price_id));
    state.current_period_start = subscription.current_period_end;
    state.current_period_end = PeriodEnd(state.current_period_start, price.interval);
    CREDITD_RETURN_IF_ERROR(Deliver(ProviderEventKind::kSubscriptionChanged,
                                    "sbx_evt_" + state.id + "_renewed_" + ended, now, state,
                                    std::nullopt));
    CREDITD_ASSIGN_OR_RETURN(
        app::ProviderInvoice invoice,
        PeriodInvoice(state, "sbx_in_" + state.id + "_" + ended, "subscription_cycle"));
    std::string event_id = "sbx_evt_" + invoice.id;
    CREDITD_RETURN_IF_ERROR(Deliver(ProviderEventKind::kInvoicePaid, std::move(event_id), now,
                                    std::nullopt, std::move(invoice)));
    ++reported;
  }
  return reported;
}

}  // namespace creditd::payments::sandbox
