#include "app/subscription_commands.h"

#include "app/event_inbox.h"
#include "app/ports/account_repository.h"
#include "app/ports/billing_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/ports/user_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"

namespace creditd::app {

using domain::Subscription;

namespace {

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

}  // namespace

SubscriptionCommands::SubscriptionCommands(Database& database, CatalogService& catalog,
                                           const Clock& clock, BillingProvider* provider)
    : database_(database), catalog_(catalog), clock_(clock), provider_(provider) {
  if (provider_ != nullptr) {
    sync_.emplace(catalog, *provider_);
  }
}

void SubscriptionCommands::set_public_url(std::string url) {
  const MutexLock lock(url_mutex_);
  public_url_ = std::move(url);
}

std::string SubscriptionCommands::PublicUrl() const {
  const MutexLock lock(url_mutex_);
  return public_url_;
}

Status SubscriptionCommands::RequireProvider() const {
  return provider_ != nullptr ? Status::Ok() : BillingUnavailable();
}

Result<std::vector<PriceOption>> SubscriptionCommands::Prices() {
  std::vector<PriceOption> out;
  if (provider_ == nullptr) {
    return out;
  }
  CREDITD_ASSIGN_OR_RETURN(const auto table, provider_->Prices());
  for (const auto& [id, plan] : table) {
    out.push_back({id, plan});
  }
  return out;
}

Result<std::pair<int64_t, std::optional<Subscription>>> SubscriptionCommands::CurrentOf(
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

Result<Subscription> SubscriptionCommands::ActiveSubscriptionOf(int64_t user_id,
                                                                std::optional<int64_t> account_id,
                                                                const std::string& not_found) {
  CREDITD_ASSIGN_OR_RETURN(const auto current, CurrentOf(user_id, account_id));
  const std::optional<Subscription>& subscription = current.second;
  if (!subscription || subscription->provider != provider_->name() ||
      !domain::GrantsAccess(subscription->status)) {
    return Status(reason::kSubscriptionNotFound, not_found);
  }
  return *subscription;
}

Result<std::string> SubscriptionCommands::Checkout(int64_t user_id, std::string_view price_id,
                                                   std::optional<int64_t> account_id) {
  CREDITD_RETURN_IF_ERROR(RequireProvider());
  CREDITD_ASSIGN_OR_RETURN(const PlanPrice price, sync_->FindPrice(price_id));
  const std::string_view provider = provider_->name();
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
        CREDITD_ASSIGN_OR_RETURN(out.customer, uow.billing().FindCustomer(account, provider));
        return out;
      }));
  if (!subject.customer) {
    // The key makes concurrent first checkouts of one account create one customer.
    CREDITD_ASSIGN_OR_RETURN(
        const std::string created,
        provider_->CreateCustomer(subject.account_id, subject.email,
                                  "creditd-customer-" + std::to_string(subject.account_id)));
    const Timestamp now = clock_.Now();
    CREDITD_ASSIGN_OR_RETURN(
        subject.customer,
        InTransaction(database_, TransactionMode::kWrite,
                      [&](UnitOfWork& uow) -> Result<std::optional<std::string>> {
                        CREDITD_RETURN_IF_ERROR(
                            uow.billing()
                                .InsertCustomer(subject.account_id, provider, created, now)
                                .status());
                        return uow.billing().FindCustomer(subject.account_id, provider);
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
  return provider_->CreateSubscriptionCheckout(request);
}

Result<std::string> SubscriptionCommands::Portal(int64_t user_id,
                                                 std::optional<int64_t> account_id) {
  CREDITD_RETURN_IF_ERROR(RequireProvider());
  CREDITD_ASSIGN_OR_RETURN(
      const std::optional<std::string> customer,
      InTransaction(database_, TransactionMode::kRead,
                    [&](UnitOfWork& uow) -> Result<std::optional<std::string>> {
                      CREDITD_ASSIGN_OR_RETURN(const domain::User user,
                                               uow.users().FindById(user_id));
                      return uow.billing().FindCustomer(account_id.value_or(user.account_id),
                                                        provider_->name());
                    }));
  if (!customer) {
    return NoBillingProfile();
  }
  return provider_->CreatePortalSession(*customer, PublicUrl() + "/subscription");
}

Status SubscriptionCommands::ApplyReturnedState(const Result<ProviderSubscription>& state) {
  CREDITD_RETURN_IF_ERROR(state.status());
  const Timestamp now = clock_.Now();
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
    return sync_->ApplySubscription(uow, *state, now, now).status();
  });
}

Status SubscriptionCommands::Cancel(int64_t user_id, std::optional<int64_t> account_id) {
  CREDITD_RETURN_IF_ERROR(RequireProvider());
  CREDITD_ASSIGN_OR_RETURN(
      const auto subscription,
      ActiveSubscriptionOf(user_id, account_id, "the account has no active subscription"));
  if (subscription.cancel_at_period_end) {
    return Status::Ok();  // Already ends with its period.
  }
  return ApplyReturnedState(
      provider_->Cancel(subscription.provider_subscription_id, /*at_period_end=*/true,
                        "creditd-cancel-" + subscription.provider_subscription_id));
}

Status SubscriptionCommands::ChangePlan(int64_t user_id, std::string_view price_id,
                                        std::optional<int64_t> account_id) {
  CREDITD_RETURN_IF_ERROR(RequireProvider());
  CREDITD_ASSIGN_OR_RETURN(const PlanPrice price, sync_->FindPrice(price_id));
  CREDITD_ASSIGN_OR_RETURN(const auto subscription,
                           ActiveSubscriptionOf(user_id, account_id,
                                                "the account has no active subscription; start "
                                                "one with POST /api/subscription/checkout"));
  if (subscription.price_id == price_id) {
    return Status(reason::kInvalidField, "the subscription already has this price")
        .WithField("priceId");
  }
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan from, catalog_.PlanByKey(subscription.plan_key));
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan to, catalog_.PlanByKey(price.plan_key));
  return ApplyReturnedState(provider_->ChangePrice(
      subscription.provider_subscription_id, subscription.provider_item_id, price_id,
      /*prorate=*/domain::ChangeTakesEffectNow(from, to, price.interval),
      "creditd-change-" + subscription.provider_subscription_id + "-" + std::string(price_id) +
          "-" + std::to_string(ToUnixSeconds(subscription.provider_state_at))));
}

}  // namespace creditd::app
