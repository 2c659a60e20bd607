#include "app/billing_service.h"

#include <charconv>

#include "app/credit_ledger.h"
#include "app/order_service.h"
#include "app/ports/account_repository.h"
#include "app/ports/ledger_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/ports/user_repository.h"
#include "app/transaction.h"
#include "common/money.h"
#include "common/status_macros.h"

namespace creditd::app {

using domain::Subscription;
using domain::SubscriptionStatus;

namespace {

constexpr std::string_view kProvider = "stripe";

// Lifecycle rank, to order two states stamped with the same second: a subscription only moves
// from incomplete to live statuses and from those to ended ones.
int LifecycleRank(SubscriptionStatus status) {
  switch (status) {
    case SubscriptionStatus::kIncomplete:
      return 0;
    case SubscriptionStatus::kIncompleteExpired:
    case SubscriptionStatus::kCanceled:
      return 2;
    default:
      return 1;
  }
}

std::optional<int64_t> ParseAccountId(std::string_view text) {
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

// The stored subscription with a provider id; nullopt for "" (an invoice outside
// subscriptions) or one creditd does not know.
Result<std::optional<Subscription>> FindStored(UnitOfWork& uow, const std::string& id) {
  if (id.empty()) {
    return std::optional<Subscription>();
  }
  return uow.subscriptions().FindByProviderId(kProvider, id);
}

Status Unavailable() {
  return Status(reason::kPaymentMethodUnavailable,
                "subscriptions are not available: no billing provider is configured "
                "(set STRIPE_SECRET_KEY)");
}

constexpr std::string_view kSandbox = "sandbox";
// The "provider" of the free plan's monthly credits in subscription_credits.
constexpr std::string_view kFreeCredits = "creditd";

// Refuses a second subscription while the account's current one still grants access.
Status RefuseIfSubscribed(const std::optional<Subscription>& current) {
  if (current && domain::GrantsAccess(current->status)) {
    return Status(reason::kSubscriptionExists,
                  "the account already has a " + current->plan_key +
                      " subscription; change it with POST /api/subscription/upgrade");
  }
  return Status::Ok();
}

Status NoBillingProfile() {
  return Status(reason::kSubscriptionNotFound,
                "the account has no billing profile yet; subscribe first");
}

// Grants plan credits under a unique (provider, reference), at most once: returns false when the
// reference was granted before. Credits of a period that already ended are not granted, but the
// reference is recorded all the same so it stays handled.
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

}  // namespace

// What an event's handler needs from the provider, fetched before its transaction.
struct BillingService::Prefetched {
  std::optional<ProviderSubscription> subscription;
  std::optional<std::string> invoice_id;  // The invoice a refunded or disputed payment paid.
  Timestamp fetched_at{};
};

void BillingService::set_public_url(std::string url) {
  const std::lock_guard lock(url_mutex_);
  public_url_ = std::move(url);
}

std::string BillingService::PublicUrl() const {
  const std::lock_guard lock(url_mutex_);
  return public_url_;
}

Timestamp BillingService::PeriodEnd(Timestamp start, const std::string& interval) const {
  if (config_.sandbox_period.count() > 0) {
    return start + config_.sandbox_period;
  }
  return domain::AddBillingInterval(start, interval);
}

Result<std::map<std::string, PlanPrice>> BillingService::PriceTable() {
  if (config_.provider != nullptr) {
    return config_.prices;
  }
  std::map<std::string, PlanPrice> table;
  if (!config_.sandbox_enabled) {
    return table;
  }
  CREDITD_ASSIGN_OR_RETURN(const auto catalog, catalog_.Cached());
  for (const domain::Plan& plan : catalog->plans) {
    if (plan.monthly_price_minor > 0) {
      table["sandbox_" + plan.key + "_monthly"] = PlanPrice{plan.key, "month"};
    }
    if (plan.yearly_price_minor > 0) {
      table["sandbox_" + plan.key + "_yearly"] = PlanPrice{plan.key, "year"};
    }
  }
  return table;
}

Result<std::vector<PriceOption>> BillingService::Prices() {
  CREDITD_ASSIGN_OR_RETURN(const auto table, PriceTable());
  std::vector<PriceOption> out;
  for (const auto& [id, plan] : table) {
    out.push_back({id, plan});
  }
  return out;
}

Status BillingService::RequireBilling() const {
  return config_.provider != nullptr || config_.sandbox_enabled ? Status::Ok() : Unavailable();
}

Result<PlanPrice> BillingService::FindPrice(std::string_view price_id) {
  CREDITD_ASSIGN_OR_RETURN(const auto table, PriceTable());
  const auto found = table.find(std::string(price_id));
  if (found == table.end()) {
    return Status(reason::kPriceNotFound, "no plan has the price " + std::string(price_id) +
                                              "; GET /api/subscription lists the prices")
        .WithField("priceId");
  }
  return found->second;
}

Result<std::pair<int64_t, std::optional<Subscription>>> BillingService::CurrentOf(
    int64_t user_id, std::optional<int64_t> account_id) {
  return InTransaction(
      database_, TransactionMode::kRead,
      [&](UnitOfWork& uow) -> Result<std::pair<int64_t, std::optional<Subscription>>> {
        CREDITD_ASSIGN_OR_RETURN(const domain::User user, uow.users().FindById(user_id));
        CREDITD_ASSIGN_OR_RETURN(
            auto current, uow.subscriptions().FindCurrent(account_id.value_or(user.account_id)));
        return std::pair{account_id.value_or(user.account_id), std::move(current)};
      });
}

Result<Subscription> BillingService::ActiveSubscriptionOf(int64_t user_id,
                                                          std::optional<int64_t> account_id,
                                                          const std::string& not_found) {
  CREDITD_ASSIGN_OR_RETURN(const auto current, CurrentOf(user_id, account_id));
  const std::optional<Subscription>& subscription = current.second;
  const std::string_view provider = sandbox() ? kSandbox : kProvider;
  if (!subscription || subscription->provider != provider ||
      !domain::GrantsAccess(subscription->status)) {
    return Status(reason::kSubscriptionNotFound, not_found);
  }
  return *subscription;
}

Result<std::string> BillingService::Checkout(int64_t user_id, std::string_view price_id,
                                             std::optional<int64_t> account_id) {
  CREDITD_RETURN_IF_ERROR(RequireBilling());
  CREDITD_ASSIGN_OR_RETURN(const PlanPrice price, FindPrice(price_id));
  if (sandbox()) {
    return SandboxCheckout(user_id, std::string(price_id), price, account_id);
  }
  struct Subject {
    int64_t account_id = 0;
    std::string email;
    std::optional<std::string> customer;
    bool subscribed_before = false;
  };
  CREDITD_ASSIGN_OR_RETURN(
      Subject subject,
      InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<Subject> {
        CREDITD_ASSIGN_OR_RETURN(const domain::User user, uow.users().FindById(user_id));
        const int64_t account = account_id.value_or(user.account_id);
        CREDITD_ASSIGN_OR_RETURN(const auto current, uow.subscriptions().FindCurrent(account));
        CREDITD_RETURN_IF_ERROR(RefuseIfSubscribed(current));
        Subject out{account, user.email, std::nullopt, current.has_value()};
        CREDITD_ASSIGN_OR_RETURN(out.customer, uow.billing().FindCustomer(account, kProvider));
        return out;
      }));
  if (!subject.customer) {
    // The key makes concurrent first checkouts of one account create one customer.
    CREDITD_ASSIGN_OR_RETURN(
        const std::string created,
        config_.provider->CreateCustomer(subject.account_id, subject.email,
                                         "creditd-customer-" + std::to_string(subject.account_id)));
    const Timestamp now = clock_.Now();
    CREDITD_ASSIGN_OR_RETURN(
        subject.customer,
        InTransaction(database_, TransactionMode::kWrite,
                      [&](UnitOfWork& uow) -> Result<std::optional<std::string>> {
                        CREDITD_RETURN_IF_ERROR(
                            uow.billing()
                                .InsertCustomer(subject.account_id, kProvider, created, now)
                                .status());
                        return uow.billing().FindCustomer(subject.account_id, kProvider);
                      }));
  }
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan plan, catalog_.PlanByKey(price.plan_key));
  SubscriptionCheckoutRequest request;
  request.account_id = subject.account_id;
  request.customer_id = subject.customer.value_or("");
  request.price_id = std::string(price_id);
  request.trial_days = subject.subscribed_before ? 0 : plan.trial_days;  // One trial per account.
  const std::string back = PublicUrl() + "/subscription";
  request.success_url = back + "?checkout=success";
  request.cancel_url = back + "?checkout=cancelled";
  return config_.provider->CreateSubscriptionCheckout(request);
}

Result<std::string> BillingService::Portal(int64_t user_id, std::optional<int64_t> account_id) {
  CREDITD_RETURN_IF_ERROR(RequireBilling());
  if (sandbox()) {
    // The sandbox has no portal; its subscription page shows the state.
    CREDITD_ASSIGN_OR_RETURN(const auto current, CurrentOf(user_id, account_id));
    if (!current.second || current.second->provider != kSandbox) {
      return NoBillingProfile();
    }
    return PublicUrl() + "/sandbox/subscription/" + current.second->provider_subscription_id;
  }
  CREDITD_ASSIGN_OR_RETURN(
      const std::optional<std::string> customer,
      InTransaction(
          database_, TransactionMode::kRead,
          [&](UnitOfWork& uow) -> Result<std::optional<std::string>> {
            CREDITD_ASSIGN_OR_RETURN(const domain::User user, uow.users().FindById(user_id));
            return uow.billing().FindCustomer(account_id.value_or(user.account_id), kProvider);
          }));
  if (!customer) {
    return NoBillingProfile();
  }
  return config_.provider->CreatePortalSession(*customer, PublicUrl() + "/subscription");
}

Status BillingService::ApplyReturnedState(const Result<ProviderSubscription>& state) {
  CREDITD_RETURN_IF_ERROR(state.status());
  const Timestamp now = clock_.Now();
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
    return ApplySubscription(uow, *state, now, now).status();
  });
}

Status BillingService::Cancel(int64_t user_id, std::optional<int64_t> account_id) {
  CREDITD_RETURN_IF_ERROR(RequireBilling());
  CREDITD_ASSIGN_OR_RETURN(
      const auto subscription,
      ActiveSubscriptionOf(user_id, account_id, "the account has no active subscription"));
  if (subscription.cancel_at_period_end) {
    return Status::Ok();  // Already ends with its period.
  }
  if (sandbox()) {
    const Timestamp now = clock_.Now();
    return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
      CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(subscription.account_id).status());
      CREDITD_ASSIGN_OR_RETURN(
          std::optional<Subscription> stored,
          uow.subscriptions().FindByProviderId(kSandbox, subscription.provider_subscription_id));
      stored->cancel_at_period_end = true;
      stored->updated_at = now;
      stored->provider_state_at = now;
      return uow.subscriptions().Update(*stored);
    });
  }
  return ApplyReturnedState(
      config_.provider->Cancel(subscription.provider_subscription_id, /*at_period_end=*/true,
                               "creditd-cancel-" + subscription.provider_subscription_id));
}

Status BillingService::ChangePlan(int64_t user_id, std::string_view price_id,
                                  std::optional<int64_t> account_id) {
  CREDITD_RETURN_IF_ERROR(RequireBilling());
  CREDITD_ASSIGN_OR_RETURN(const PlanPrice price, FindPrice(price_id));
  CREDITD_ASSIGN_OR_RETURN(const auto subscription,
                           ActiveSubscriptionOf(user_id, account_id,
                                                "the account has no active subscription; start "
                                                "one with POST /api/subscription/checkout"));
  if (subscription.price_id == price_id) {
    return Status(reason::kInvalidField, "the subscription already has this price")
        .WithField("priceId");
  }
  if (sandbox()) {
    return SandboxChangePlan(subscription, std::string(price_id), price);
  }
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan from, catalog_.PlanByKey(subscription.plan_key));
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan to, catalog_.PlanByKey(price.plan_key));
  const bool upgrade = domain::ClassifyPlanChange(from, to) == domain::PlanChange::kUpgrade ||
                       (from.key == to.key && price.interval == "year");
  return ApplyReturnedState(config_.provider->ChangePrice(
      subscription.provider_subscription_id, subscription.provider_item_id, price_id,
      /*prorate=*/upgrade,
      "creditd-change-" + subscription.provider_subscription_id + "-" + std::string(price_id) +
          "-" + std::to_string(ToUnixSeconds(subscription.provider_state_at))));
}

Status BillingService::LiftFreeze(int64_t account_id) {
  const Timestamp now = clock_.Now();
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
    CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(account_id).status());
    return uow.accounts().SetFrozen(account_id, "", now);
  });
}

Result<std::vector<OutboxMessage>> BillingService::Outbox(std::string_view recipient, int limit) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) -> Result<std::vector<OutboxMessage>> {
                         return uow.billing().ListMessages(recipient, limit);
                       });
}

// ----- events -----

Result<EventReceipt> BillingService::ReceiveEvent(std::string_view payload,
                                                  std::string_view signature_header) {
  if (config_.provider == nullptr) {
    return Unavailable();
  }
  const Timestamp received = clock_.Now();
  CREDITD_ASSIGN_OR_RETURN(const ProviderEvent event,
                           config_.provider->ParseEvent(payload, signature_header, received));
  EventReceipt receipt{event.id, event.type, EventOutcome::kProcessed, false};

  ProviderEventRecord record;
  record.provider = std::string(kProvider);
  record.event_id = event.id;
  record.type = event.type;
  record.created = event.created;
  record.received_at = received;
  record.payload = std::string(payload);
  CREDITD_ASSIGN_OR_RETURN(const std::optional<ProviderEventRecord> stored,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.billing().FindEvent(kProvider, event.id);
                           }));
  if (stored && stored->outcome != EventOutcome::kFailed) {
    receipt.outcome = stored->outcome;
    receipt.duplicate = true;
    return receipt;
  }
  record.attempts = stored ? stored->attempts + 1 : 1;

  const auto save = [&](EventOutcome outcome, std::string error) {
    record.outcome = outcome;
    record.last_error = std::move(error);
    return InTransaction(database_, TransactionMode::kWrite,
                         [&](UnitOfWork& uow) { return uow.billing().SaveEvent(record); });
  };
  if (!event.decode_error.empty()) {
    // Genuine but undecodable: no retry can apply it. Kept for an operator.
    CREDITD_RETURN_IF_ERROR(save(EventOutcome::kPoison, event.decode_error));
    receipt.outcome = EventOutcome::kPoison;
    return receipt;
  }

  Result<Prefetched> fetched = Prefetch(event);
  Status applied = fetched.status();
  if (applied.ok()) {
    applied = InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
      // A concurrent delivery of the same event may have been applied meanwhile.
      CREDITD_ASSIGN_OR_RETURN(const auto again, uow.billing().FindEvent(kProvider, event.id));
      if (again && again->outcome != EventOutcome::kFailed) {
        receipt.duplicate = true;
        receipt.outcome = again->outcome;
        return Status::Ok();
      }
      std::string note;
      CREDITD_ASSIGN_OR_RETURN(receipt.outcome, Apply(uow, event, *fetched, clock_.Now(), note));
      record.outcome = receipt.outcome;
      record.last_error = std::move(note);
      return uow.billing().SaveEvent(record);
    });
  }
  if (applied.ok()) {
    return receipt;
  }
  const bool poison = record.attempts >= config_.max_event_attempts;
  const std::string error = applied.ToString() + " " + applied.internal_detail();
  save(poison ? EventOutcome::kPoison : EventOutcome::kFailed, error).IgnoreError();
  if (poison) {
    receipt.outcome = EventOutcome::kPoison;
    return receipt;
  }
  return applied;
}

Result<BillingService::Prefetched> BillingService::Prefetch(const ProviderEvent& event) {
  Prefetched out;
  out.fetched_at = clock_.Now();
  std::string subscription_id;
  if (event.checkout && event.checkout->mode == "subscription") {
    subscription_id = event.checkout->subscription_id;
  } else if (event.invoice) {
    subscription_id = event.invoice->subscription_id;
  }
  if (!subscription_id.empty()) {
    CREDITD_ASSIGN_OR_RETURN(const std::optional<Subscription> known,
                             InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                               return uow.subscriptions().FindByProviderId(kProvider,
                                                                           subscription_id);
                             }));
    if (!known) {
      // An invoice or checkout can arrive before any subscription event: ask for the state.
      CREDITD_ASSIGN_OR_RETURN(out.subscription,
                               config_.provider->RetrieveSubscription(subscription_id));
      out.fetched_at = clock_.Now();
    }
  }
  std::string payment_intent;
  if (event.charge) {
    payment_intent = event.charge->payment_intent_id;
  } else if (event.dispute) {
    payment_intent = event.dispute->payment_intent_id;
  }
  if (!payment_intent.empty()) {
    // A payment of one of our orders is known here; only other payments may be invoices'.
    CREDITD_ASSIGN_OR_RETURN(const std::optional<domain::Order> order,
                             InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                               return uow.orders().FindByPaymentRef(payment_intent);
                             }));
    if (!order) {
      CREDITD_ASSIGN_OR_RETURN(out.invoice_id,
                               config_.provider->FindInvoiceOfPayment(payment_intent));
    }
  }
  return out;
}

Result<EventOutcome> BillingService::Apply(UnitOfWork& uow, const ProviderEvent& event,
                                           const Prefetched& fetched, Timestamp now,
                                           std::string& note) {
  const std::string& type = event.type;
  if (event.subscription) {
    return ApplySubscription(uow, *event.subscription, event.created, now);
  }
  if (event.checkout && event.checkout->mode == "payment") {
    return ApplyOrderCheckout(uow, type, *event.checkout, now, note);
  }
  if (event.checkout && (type == "checkout.session.completed" ||
                         type == "checkout.session.async_payment_succeeded")) {
    const ProviderCheckout& checkout = *event.checkout;
    if (checkout.mode != "subscription") {
      return EventOutcome::kIgnored;
    }
    const auto account = ParseAccountId(checkout.client_reference_id);
    if (account && !checkout.customer_id.empty()) {
      CREDITD_RETURN_IF_ERROR(uow.accounts().Get(*account).status());
      CREDITD_RETURN_IF_ERROR(
          uow.billing().InsertCustomer(*account, kProvider, checkout.customer_id, now).status());
    }
    if (fetched.subscription) {
      return ApplySubscription(uow, *fetched.subscription, fetched.fetched_at, now);
    }
    return account ? EventOutcome::kProcessed : EventOutcome::kIgnored;
  }
  if (event.invoice && type == "invoice.paid") {
    if (fetched.subscription) {
      CREDITD_RETURN_IF_ERROR(
          ApplySubscription(uow, *fetched.subscription, fetched.fetched_at, now).status());
    }
    return ApplyInvoicePaid(uow, *event.invoice, now);
  }
  if (event.invoice && type == "invoice.payment_failed") {
    if (fetched.subscription) {
      CREDITD_RETURN_IF_ERROR(
          ApplySubscription(uow, *fetched.subscription, fetched.fetched_at, now).status());
    }
    return ApplyPaymentFailed(uow, *event.invoice, event.created, now);
  }
  if (event.charge && type == "charge.refunded") {
    return ApplyRefund(uow, *event.charge, fetched.invoice_id, now);
  }
  if (event.dispute && type == "charge.dispute.created") {
    return ApplyDispute(uow, *event.dispute, fetched.invoice_id, now);
  }
  return EventOutcome::kIgnored;
}

Result<EventOutcome> BillingService::ApplyOrderCheckout(UnitOfWork& uow, const std::string& type,
                                                        const ProviderCheckout& checkout,
                                                        Timestamp now, std::string& note) {
  if (type == "checkout.session.async_payment_failed" || type == "checkout.session.expired") {
    CREDITD_ASSIGN_OR_RETURN(
        const bool closed,
        OrderService::CloseUnpaid(uow, checkout.client_reference_id,
                                  type == "checkout.session.expired" ? domain::OrderStatus::kExpired
                                                                     : domain::OrderStatus::kFailed,
                                  now));
    return closed ? EventOutcome::kProcessed : EventOutcome::kIgnored;
  }
  if (type != "checkout.session.completed" && type != "checkout.session.async_payment_succeeded") {
    return EventOutcome::kIgnored;
  }
  if (checkout.payment_status != "paid") {
    // A delayed method (a bank debit): the async_payment_succeeded event settles it.
    return EventOutcome::kIgnored;
  }
  ProviderPaymentNotice notice;
  notice.order_no = checkout.client_reference_id;
  notice.amount_minor = checkout.amount_total;
  notice.currency = checkout.currency;
  notice.payment_ref = checkout.payment_intent_id;
  CREDITD_ASSIGN_OR_RETURN(const ProviderPaymentResult result,
                           OrderService::ApplyProviderPayment(uow, notice, now));
  switch (result) {
    case ProviderPaymentResult::kApplied:
      return EventOutcome::kProcessed;
    case ProviderPaymentResult::kAlreadyPaid:
    case ProviderPaymentResult::kUnknownOrder:
      return EventOutcome::kIgnored;
    case ProviderPaymentResult::kMismatch:
      break;
  }
  // Never applied, never retried: an operator looks at it (and refunds the payment).
  note = "checkout " + checkout.id + " paid " + std::to_string(checkout.amount_total) + " " +
         checkout.currency + ", which is not the price of order " + checkout.client_reference_id;
  return EventOutcome::kPoison;
}

Result<EventOutcome> BillingService::ApplySubscription(UnitOfWork& uow,
                                                       const ProviderSubscription& state,
                                                       Timestamp state_at, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(std::optional<Subscription> existing,
                           uow.subscriptions().FindByProviderId(kProvider, state.id));
  std::optional<int64_t> account = state.account_id;
  if (existing) {
    account = existing->account_id;
  } else if (!account) {
    CREDITD_ASSIGN_OR_RETURN(account,
                             uow.billing().FindAccountOfCustomer(kProvider, state.customer_id));
  }
  if (!account) {
    return EventOutcome::kIgnored;  // Not a subscription creditd started.
  }
  // Serialises every billing change of the account (a row lock on PostgreSQL).
  CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(*account).status());
  if (existing) {
    // Read again under the lock: another event may have changed it.
    CREDITD_ASSIGN_OR_RETURN(existing, uow.subscriptions().FindByProviderId(kProvider, state.id));
    if (state_at < existing->provider_state_at ||
        (state_at == existing->provider_state_at &&
         LifecycleRank(state.status) < LifecycleRank(existing->status))) {
      return EventOutcome::kIgnored;  // Stale: a newer state is stored.
    }
  }
  CREDITD_ASSIGN_OR_RETURN(const PlanPrice price, FindPrice(state.price_id));

  Subscription next = existing.value_or(Subscription{});
  if (!existing) {
    next.account_id = *account;
    next.provider = std::string(kProvider);
    next.provider_subscription_id = state.id;
    next.created_at = now;
    next.plan_key = price.plan_key;
  } else if (state.current_period_start > existing->current_period_start) {
    // A new period: a pending downgrade (or any change) takes effect now.
    next.plan_key = price.plan_key;
    next.pending_plan_key.clear();
  } else if (price.plan_key != existing->plan_key) {
    CREDITD_ASSIGN_OR_RETURN(const domain::Plan from, catalog_.PlanByKey(existing->plan_key));
    CREDITD_ASSIGN_OR_RETURN(const domain::Plan to, catalog_.PlanByKey(price.plan_key));
    if (domain::ClassifyPlanChange(from, to) == domain::PlanChange::kUpgrade) {
      next.plan_key = price.plan_key;  // The proration invoice brings the extra credits.
      next.pending_plan_key.clear();
    } else {
      next.pending_plan_key = price.plan_key;  // Until the period ends.
    }
  } else {
    next.pending_plan_key.clear();  // Back on the current plan's price.
  }
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
        uow.billing().InsertCustomer(*account, kProvider, state.customer_id, now).status());
  }
  return EventOutcome::kProcessed;
}

Result<EventOutcome> BillingService::ApplyInvoicePaid(UnitOfWork& uow,
                                                      const ProviderInvoice& invoice,
                                                      Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(const std::optional<Subscription> subscription,
                           FindStored(uow, invoice.subscription_id));
  if (!subscription) {
    return EventOutcome::kIgnored;  // Not a subscription invoice of creditd's.
  }
  CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(subscription->account_id).status());
  CREDITD_ASSIGN_OR_RETURN(const auto granted, uow.billing().FindCredit(kProvider, invoice.id));
  if (granted) {
    return EventOutcome::kIgnored;  // This invoice's credits were granted before.
  }
  CREDITD_ASSIGN_OR_RETURN(const auto prices, PriceTable());

  int64_t credits = 0;
  Timestamp expires = invoice.period_end;
  std::string description;
  if (!invoice.prorations.empty()) {
    // A plan change: each proration line adds (new price) or removes (old price) its plan's
    // allowance for the part of the period it covers. Never a full allowance.
    const int64_t period_seconds = ToUnixSeconds(subscription->current_period_end) -
                                   ToUnixSeconds(subscription->current_period_start);
    for (const ProrationLine& line : invoice.prorations) {
      const auto price = prices.find(line.price_id);
      if (price == prices.end() || period_seconds <= 0) {
        continue;
      }
      CREDITD_ASSIGN_OR_RETURN(const domain::Plan plan, catalog_.PlanByKey(price->second.plan_key));
      const int64_t allowance = domain::PeriodAllowance(plan, price->second.interval);
      const int64_t share = domain::ProratedUpgradeCredits(
          0, allowance, line.period_end - std::chrono::seconds(period_seconds), line.period_end,
          line.period_start);
      credits += line.amount < 0 ? -share : share;
      expires = std::max(expires, line.period_end);
    }
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

  CREDITD_RETURN_IF_ERROR(GrantPlanCredits(uow, kProvider, invoice.id, subscription->account_id,
                                           subscription->id, credits, expires, description, now)
                              .status());
  return EventOutcome::kProcessed;
}

Result<EventOutcome> BillingService::ApplyPaymentFailed(UnitOfWork& uow,
                                                        const ProviderInvoice& invoice,
                                                        Timestamp event_at, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(std::optional<Subscription> subscription,
                           FindStored(uow, invoice.subscription_id));
  if (!subscription) {
    return EventOutcome::kIgnored;
  }
  CREDITD_ASSIGN_OR_RETURN(const domain::Account account,
                           uow.accounts().GetForUpdate(subscription->account_id));
  CREDITD_ASSIGN_OR_RETURN(
      subscription, uow.subscriptions().FindByProviderId(kProvider, invoice.subscription_id));
  // Stripe's own customer.subscription.updated says past_due too; this makes it so even when
  // that event is late, unless a newer state is stored.
  if (event_at > subscription->provider_state_at &&
      subscription->status == SubscriptionStatus::kActive) {
    subscription->status = SubscriptionStatus::kPastDue;
    subscription->provider_state_at = event_at;
    subscription->updated_at = now;
    CREDITD_RETURN_IF_ERROR(uow.subscriptions().Update(*subscription));
  }
  if (account.owner_user_id) {
    CREDITD_ASSIGN_OR_RETURN(const domain::User owner,
                             uow.users().FindById(*account.owner_user_id));
    OutboxMessage message;
    message.kind = "email";
    message.recipient = owner.email;
    message.subject = "Your payment for the " + subscription->plan_key + " plan failed";
    message.body = "We could not collect the payment of invoice " + invoice.id + " for your " +
                   subscription->plan_key +
                   " subscription. Your plan stays active while we retry; please update your "
                   "payment method in the billing portal (Subscription > Manage billing).";
    message.created_at = now;
    CREDITD_RETURN_IF_ERROR(uow.billing().InsertMessage(message).status());
  }
  return EventOutcome::kProcessed;
}

Result<std::optional<SubscriptionCredit>> BillingService::LockedCreditOf(
    UnitOfWork& uow, const std::optional<std::string>& invoice_id) {
  if (!invoice_id) {
    return std::optional<SubscriptionCredit>();
  }
  CREDITD_ASSIGN_OR_RETURN(const auto credit, uow.billing().FindCredit(kProvider, *invoice_id));
  if (!credit) {
    return std::optional<SubscriptionCredit>();
  }
  CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(credit->account_id).status());
  // Read again under the lock: a concurrent refund event may have updated it.
  return uow.billing().FindCredit(kProvider, *invoice_id);
}

Result<EventOutcome> BillingService::ApplyRefund(UnitOfWork& uow, const ProviderCharge& charge,
                                                 const std::optional<std::string>& invoice_id,
                                                 Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(const std::optional<domain::Order> order,
                           uow.orders().FindByPaymentRef(charge.payment_intent_id));
  if (order) {
    CREDITD_ASSIGN_OR_RETURN(const bool changed, OrderService::ApplyProviderRefund(
                                                     uow, order->id, charge.amount_refunded,
                                                     "stripe:" + charge.id, now));
    return changed ? EventOutcome::kProcessed : EventOutcome::kIgnored;
  }
  CREDITD_ASSIGN_OR_RETURN(std::optional<SubscriptionCredit> credit,
                           LockedCreditOf(uow, invoice_id));
  if (!credit || !credit->entry_id || charge.amount <= 0) {
    return EventOutcome::kIgnored;
  }
  // The refunded share of the credits bought (amount_refunded is cumulative), less what earlier
  // refunds took back; only what is still unspent can be taken.
  const int64_t refunded = std::min(charge.amount_refunded, charge.amount);
  const int64_t target = domain::ProportionalShare(credit->credits, refunded, charge.amount);
  const int64_t wanted = target - credit->clawed_back;
  if (wanted <= 0) {
    return EventOutcome::kIgnored;
  }
  ClawBackCommand command;
  command.account_id = credit->account_id;
  command.entry_id = *credit->entry_id;
  command.amount = wanted;
  command.reference = "stripe:" + charge.id;
  command.description = "refund of invoice " + *invoice_id + ": unspent plan credits taken back";
  CREDITD_RETURN_IF_ERROR(CreditLedger::ClawBack(uow, command, now).status());
  // Credits already spent cannot come back; they count as handled all the same, so a later
  // refund event of the same charge does not try to take them again.
  credit->clawed_back += wanted;
  CREDITD_RETURN_IF_ERROR(uow.billing().UpdateCredit(*credit));
  return EventOutcome::kProcessed;
}

Result<EventOutcome> BillingService::ApplyDispute(UnitOfWork& uow, const ProviderDispute& dispute,
                                                  const std::optional<std::string>& invoice_id,
                                                  Timestamp now) {
  // The disputed payment paid an order or an invoice; the account that got it is frozen.
  int64_t account_id = 0;
  std::string paid_for;
  CREDITD_ASSIGN_OR_RETURN(const std::optional<domain::Order> order,
                           uow.orders().FindByPaymentRef(dispute.payment_intent_id));
  if (order) {
    CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(order->account_id).status());
    account_id = order->account_id;
    paid_for = "order " + order->order_no;
  } else {
    CREDITD_ASSIGN_OR_RETURN(const std::optional<SubscriptionCredit> credit,
                             LockedCreditOf(uow, invoice_id));
    if (!credit) {
      return EventOutcome::kIgnored;
    }
    account_id = credit->account_id;
    paid_for = "invoice " + *invoice_id;
  }
  CREDITD_RETURN_IF_ERROR(uow.accounts().SetFrozen(
      account_id,
      "dispute " + dispute.id + " opened on charge " + dispute.charge_id + " (" + paid_for + ")",
      now));
  return EventOutcome::kProcessed;
}

// ----- the sandbox provider -----

Result<std::string> BillingService::SandboxCheckout(int64_t user_id, const std::string& price_id,
                                                    const PlanPrice& price,
                                                    std::optional<int64_t> account_id) {
  const Timestamp now = clock_.Now();
  CREDITD_ASSIGN_OR_RETURN(
      const std::string id,
      InTransaction(
          database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<std::string> {
            CREDITD_ASSIGN_OR_RETURN(const domain::User user, uow.users().FindById(user_id));
            const int64_t account = account_id.value_or(user.account_id);
            CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(account).status());
            CREDITD_ASSIGN_OR_RETURN(const auto current, uow.subscriptions().FindCurrent(account));
            CREDITD_RETURN_IF_ERROR(RefuseIfSubscribed(current));
            Subscription created;
            created.account_id = account;
            created.provider = std::string(kSandbox);
            created.price_id = price_id;
            created.plan_key = price.plan_key;
            created.interval = price.interval;
            created.status = SubscriptionStatus::kIncomplete;
            created.current_period_start = now;
            created.current_period_end = now;
            created.created_at = now;
            created.updated_at = now;
            created.provider_state_at = now;
            CREDITD_ASSIGN_OR_RETURN(created.id, uow.subscriptions().Insert(created));
            // Named after its row, so unique without a random source.
            created.provider_subscription_id = "sbx_sub_" + std::to_string(created.id);
            CREDITD_RETURN_IF_ERROR(uow.subscriptions().Update(created));
            return created.provider_subscription_id;
          }));
  return PublicUrl() + "/sandbox/subscription/" + id;
}

Result<Subscription> BillingService::FindSandbox(UnitOfWork& uow, std::string_view id) const {
  if (!config_.sandbox_enabled) {
    return SandboxDisabled();
  }
  CREDITD_ASSIGN_OR_RETURN(const std::optional<Subscription> found,
                           uow.subscriptions().FindByProviderId(kSandbox, id));
  if (!found) {
    return Status(reason::kSubscriptionNotFound, "no sandbox subscription " + std::string(id));
  }
  return *found;
}

Result<Subscription> BillingService::GetSandboxSubscription(std::string_view id) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) { return FindSandbox(uow, id); });
}

Result<Subscription> BillingService::PaySandboxSubscription(std::string_view id) {
  const Timestamp now = clock_.Now();
  return InTransaction(
      database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<Subscription> {
        CREDITD_ASSIGN_OR_RETURN(const Subscription found, FindSandbox(uow, id));
        CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(found.account_id).status());
        // Read again under the account's lock: a concurrent payment may have come first.
        CREDITD_ASSIGN_OR_RETURN(Subscription subscription, FindSandbox(uow, id));
        if (subscription.status != SubscriptionStatus::kIncomplete) {
          return subscription;  // Paid before.
        }
        CREDITD_ASSIGN_OR_RETURN(const auto current,
                                 uow.subscriptions().FindCurrent(subscription.account_id));
        if (current && current->id != subscription.id && domain::GrantsAccess(current->status)) {
          return Status(reason::kSubscriptionExists,
                        "the account already has a " + current->plan_key + " subscription");
        }
        subscription.status = SubscriptionStatus::kActive;
        subscription.current_period_start = now;
        subscription.current_period_end = PeriodEnd(now, subscription.interval);
        subscription.updated_at = now;
        subscription.provider_state_at = now;
        CREDITD_RETURN_IF_ERROR(uow.subscriptions().Update(subscription));
        CREDITD_RETURN_IF_ERROR(GrantSandboxPeriod(uow, subscription, now));
        return subscription;
      });
}

Status BillingService::GrantSandboxPeriod(UnitOfWork& uow, const Subscription& subscription,
                                          Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan plan, catalog_.PlanByKey(subscription.plan_key));
  return GrantPlanCredits(uow, kSandbox,
                          subscription.provider_subscription_id + ":" +
                              std::to_string(ToUnixSeconds(subscription.current_period_start)),
                          subscription.account_id, subscription.id,
                          domain::PeriodAllowance(plan, subscription.interval),
                          subscription.current_period_end,
                          plan.name + " plan credits for the period to " +
                              FormatRfc3339(subscription.current_period_end),
                          now)
      .status();
}

Status BillingService::SandboxChangePlan(const Subscription& current, const std::string& price_id,
                                         const PlanPrice& price) {
  const Timestamp now = clock_.Now();
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
    CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(current.account_id).status());
    CREDITD_ASSIGN_OR_RETURN(
        std::optional<Subscription> stored,
        uow.subscriptions().FindByProviderId(kSandbox, current.provider_subscription_id));
    Subscription next = *stored;
    CREDITD_ASSIGN_OR_RETURN(const domain::Plan from, catalog_.PlanByKey(next.plan_key));
    CREDITD_ASSIGN_OR_RETURN(const domain::Plan to, catalog_.PlanByKey(price.plan_key));
    next.price_id = price_id;
    next.updated_at = now;
    next.provider_state_at = now;
    if (domain::ClassifyPlanChange(from, to) != domain::PlanChange::kUpgrade) {
      next.pending_plan_key = price.plan_key;  // From the next period; the interval follows then.
      return uow.subscriptions().Update(next);
    }
    // An upgrade applies now and brings the difference of the allowances for the time left.
    const int64_t credits = domain::ProratedUpgradeCredits(
        domain::PeriodAllowance(from, next.interval), domain::PeriodAllowance(to, next.interval),
        next.current_period_start, next.current_period_end, now);
    next.plan_key = price.plan_key;
    next.pending_plan_key.clear();
    CREDITD_RETURN_IF_ERROR(uow.subscriptions().Update(next));
    return GrantPlanCredits(
               uow, kSandbox,
               next.provider_subscription_id + ":upgrade:" +
                   std::to_string(ToUnixSeconds(next.current_period_start)) + ":" + to.key,
               next.account_id, next.id, credits, next.current_period_end,
               "prorated credits for the upgrade from " + from.name + " to " + to.name, now)
        .status();
  });
}

Result<int64_t> BillingService::RenewDue(Timestamp now, int limit) {
  if (!sandbox()) {
    return int64_t{0};  // Stripe renews its own subscriptions and tells us by events.
  }
  CREDITD_ASSIGN_OR_RETURN(const std::vector<Subscription> due,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.subscriptions().ListDueForRenewal(kSandbox, now, limit);
                           }));
  int64_t changed = 0;
  for (const Subscription& candidate : due) {
    CREDITD_ASSIGN_OR_RETURN(
        const bool renewed,
        InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<bool> {
          CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(candidate.account_id).status());
          CREDITD_ASSIGN_OR_RETURN(
              std::optional<Subscription> stored,
              uow.subscriptions().FindByProviderId(kSandbox, candidate.provider_subscription_id));
          Subscription next = *stored;
          if (!domain::GrantsAccess(next.status) || next.current_period_end > now) {
            return false;  // Another process got there first.
          }
          next.updated_at = now;
          next.provider_state_at = now;
          // The ended period's credits expire now rather than at the grant expiry job's next run,
          // so the balance shown right after a renewal or lapse is already right.
          CREDITD_RETURN_IF_ERROR(
              CreditLedger::ExpireDueGrants(uow, next.account_id, now).status());
          if (next.cancel_at_period_end) {
            next.status = SubscriptionStatus::kCanceled;  // The account is back on free.
            CREDITD_RETURN_IF_ERROR(uow.subscriptions().Update(next));
            return true;
          }
          if (!next.pending_plan_key.empty()) {
            next.plan_key = next.pending_plan_key;
            next.pending_plan_key.clear();
            CREDITD_ASSIGN_OR_RETURN(const PlanPrice price, FindPrice(next.price_id));
            next.interval = price.interval;
          }
          next.current_period_start = next.current_period_end;
          next.current_period_end = PeriodEnd(next.current_period_start, next.interval);
          CREDITD_RETURN_IF_ERROR(uow.subscriptions().Update(next));
          CREDITD_RETURN_IF_ERROR(GrantSandboxPeriod(uow, next, now));
          return true;
        }));
    changed += renewed ? 1 : 0;
  }
  return changed;
}

// ----- the free plan's monthly credits -----

Result<int64_t> BillingService::GrantFreeCredits(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(const std::vector<int64_t> due,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.accounts().ListFreeCreditsDue(now, limit);
                           }));
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan free, catalog_.PlanByKey(domain::kFreePlan));
  int64_t granted = 0;
  for (const int64_t account_id : due) {
    CREDITD_ASSIGN_OR_RETURN(
        const bool added,
        InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<bool> {
          CREDITD_ASSIGN_OR_RETURN(const domain::Account account,
                                   uow.accounts().GetForUpdate(account_id));
          const auto [start, end] = domain::AnniversaryPeriod(account.created_at, now);
          CREDITD_ASSIGN_OR_RETURN(const auto current, uow.subscriptions().FindCurrent(account_id));
          bool added = false;
          // A paying plan brings its own credits; the free plan's are for accounts on it.
          if (domain::EffectivePlanKey(current) == domain::kFreePlan) {
            CREDITD_ASSIGN_OR_RETURN(
                added,
                GrantPlanCredits(uow, kFreeCredits,
                                 "free:" + std::to_string(account_id) + ":" +
                                     std::to_string(ToUnixSeconds(start)),
                                 account_id, std::nullopt, free.monthly_credits, end,
                                 free.name + " plan credits for the month to " + FormatRfc3339(end),
                                 now));
          }
          CREDITD_RETURN_IF_ERROR(uow.accounts().SetFreeCreditsDue(account_id, end, now));
          return added;
        }));
    granted += added ? 1 : 0;
  }
  return granted;
}

// ----- reconciliation -----

Result<int64_t> BillingService::Reconcile(Timestamp now, int limit,
                                          std::chrono::seconds checkout_age) {
  if (config_.provider == nullptr) {
    return int64_t{0};
  }
  struct Work {
    std::vector<std::pair<int64_t, std::string>> customers;
    std::vector<Subscription> stale;
  };
  CREDITD_ASSIGN_OR_RETURN(
      const Work work,
      InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<Work> {
        Work out;
        CREDITD_ASSIGN_OR_RETURN(out.customers,
                                 uow.billing().ListCustomersWithoutSubscription(
                                     kProvider, now - std::chrono::hours(48), limit));
        CREDITD_ASSIGN_OR_RETURN(out.stale, uow.subscriptions().ListDueForRenewal(
                                                kProvider, now - std::chrono::hours(1), limit));
        return out;
      }));
  std::vector<ProviderSubscription> fetched;
  for (const auto& [account_id, customer] : work.customers) {
    CREDITD_ASSIGN_OR_RETURN(auto found, config_.provider->ListSubscriptions(customer, 3));
    for (ProviderSubscription& subscription : found) {
      subscription.account_id = subscription.account_id.value_or(account_id);
      fetched.push_back(std::move(subscription));
    }
  }
  for (const Subscription& stale : work.stale) {
    CREDITD_ASSIGN_OR_RETURN(
        ProviderSubscription subscription,
        config_.provider->RetrieveSubscription(stale.provider_subscription_id));
    fetched.push_back(std::move(subscription));
  }
  for (const ProviderSubscription& subscription : fetched) {
    CREDITD_ASSIGN_OR_RETURN(const std::vector<ProviderInvoice> invoices,
                             config_.provider->ListPaidInvoices(subscription.id, 3));
    const Timestamp at = clock_.Now();
    CREDITD_RETURN_IF_ERROR(
        InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
          // The state fetched now is newer than any event sent before.
          CREDITD_RETURN_IF_ERROR(ApplySubscription(uow, subscription, at, at).status());
          for (const ProviderInvoice& invoice : invoices) {
            CREDITD_RETURN_IF_ERROR(ApplyInvoicePaid(uow, invoice, at).status());
          }
          return Status::Ok();
        }));
  }
  CREDITD_ASSIGN_OR_RETURN(const std::vector<domain::Order> unpaid,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.orders().ListUnpaidCheckouts(
                                 domain::PaymentMethod::kStripe, now - std::chrono::hours(26),
                                 now - checkout_age + std::chrono::seconds(1), limit);
                           }));
  for (const domain::Order& order : unpaid) {
    CREDITD_ASSIGN_OR_RETURN(const ProviderCheckout checkout,
                             config_.provider->RetrieveCheckout(order.checkout_ref));
    const Timestamp at = clock_.Now();
    CREDITD_RETURN_IF_ERROR(
        InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
          if (checkout.status == "complete" && checkout.payment_status == "paid") {
            ProviderPaymentNotice notice;
            notice.order_no = order.order_no;
            notice.amount_minor = checkout.amount_total;
            notice.currency = checkout.currency;
            notice.payment_ref = checkout.payment_intent_id;
            return OrderService::ApplyProviderPayment(uow, notice, at).status();
          }
          if (checkout.status == "expired") {
            return OrderService::CloseUnpaid(uow, order.order_no, domain::OrderStatus::kExpired, at)
                .status();
          }
          return Status::Ok();
        }));
  }
  return static_cast<int64_t>(fetched.size() + unpaid.size());
}

Result<BillingService::OrderRefund> BillingService::RefundOrder(std::string_view order_no,
                                                                std::optional<std::string> amount,
                                                                std::string_view idempotency_key) {
  if (config_.provider == nullptr) {
    return Unavailable();
  }
  CREDITD_ASSIGN_OR_RETURN(domain::Order order,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.orders().FindByNo(order_no);
                           }));
  if (order.payment_method != domain::PaymentMethod::kStripe ||
      order.status != domain::OrderStatus::kPaid || order.payment_ref.empty()) {
    return Status(reason::kOrderNotRefundable, "order " + order.order_no +
                                                   " is not a paid Stripe order; only those are "
                                                   "refunded through Stripe");
  }
  const int64_t left = order.price_minor - order.refunded_minor;
  if (left <= 0) {
    return Status(reason::kOrderNotRefundable, "order " + order.order_no + " is refunded in full");
  }
  std::optional<int64_t> minor;
  if (amount) {
    const auto currency = Currency::FromCode(order.currency);
    if (!currency) {
      return Status(reason::kInternal, "internal error")
          .WithInternalDetail("order currency " + order.currency);
    }
    const Result<Money> parsed = Money::Parse(*amount, *currency);
    if (!parsed.ok()) {
      return Status(parsed.status()).WithField("amount");
    }
    if (parsed->amount_minor() <= 0 || parsed->amount_minor() > left) {
      return Status(reason::kInvalidField, "amount must be more than 0 and at most " +
                                               FormatMinorUnits(left, currency->exponent()) +
                                               " (what is not refunded yet)")
          .WithField("amount");
    }
    minor = parsed->amount_minor();
  }
  // Without the caller's key, the same request before Stripe's notification arrives is the same
  // refund: a double click never refunds twice.
  const std::string key = idempotency_key.empty()
                              ? "refund-" + order.order_no + "-" +
                                    std::to_string(order.refunded_minor) + "-" +
                                    (minor ? std::to_string(*minor) : "rest")
                              : "refund-" + order.order_no + "-" + std::string(idempotency_key);
  CREDITD_ASSIGN_OR_RETURN(ProviderRefund refund,
                           config_.provider->CreateRefund(order.payment_ref, minor, key));
  return OrderRefund{std::move(refund), std::move(order)};
}

}  // namespace creditd::app
