// PaymentProviders: the configured payment providers by name (Stripe, EPay, ..., the sandbox's
// subscriptions), so the inbox, reconciliation and refunds reach the provider an order or a
// notification names instead of holding one. Filled at start-up before serving, read-only after,
// so concurrent readers are safe.
#pragma once

#include <cstdlib>
#include <string_view>
#include <vector>

#include "app/ports/payment_provider.h"

namespace creditd::app {

class PaymentProviders {
 public:
  // Registers `provider` (not owned; it must outlive this). Aborts on a second provider of the
  // same name (a programming error: its notifications would reach only one of them).
  void Add(PaymentProvider& provider) {
    if (Find(provider.name()) != nullptr) {
      std::abort();
    }
    providers_.push_back(&provider);
  }

  // The provider named `name`, or nullptr.
  PaymentProvider* Find(std::string_view name) const {
    for (PaymentProvider* provider : providers_) {
      if (provider->name() == name) {
        return provider;
      }
    }
    return nullptr;
  }

  const std::vector<PaymentProvider*>& all() const { return providers_; }

 private:
  std::vector<PaymentProvider*> providers_;
};

}  // namespace creditd::app
