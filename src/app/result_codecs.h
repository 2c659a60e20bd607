// How each result of an idempotent write is kept with its key (app/idempotency.h): a ResultCodec
// per result type, with the kind it is stored under, and an encoding that is either the result
// itself or a reference to what the write made.
//
//   - By value: ChargeView and RunView. A replay decodes exactly what the first request
//     returned, so the HTTP layer renders the first answer byte for byte.
//   - By reference: domain::Order and domain::LedgerEntry (orders and adjustments). A replay
//     reloads what the first request made, as it stands now (a replayed order shows it paid).
//
// The value encoding (FieldWriter/FieldReader) is a sequence of fields, each "<length>:<bytes>"
// or "~" for an absent optional; integers are decimal text. Text fields hold what the database
// already holds as text, so an encoding is valid text too. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/credit_ledger.h"
#include "app/idempotency.h"
#include "app/ports/unit_of_work.h"
#include "app/tool_run_service.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/ledger.h"
#include "domain/order.h"

namespace creditd::app {

// Appends fields in order.
class FieldWriter {
 public:
  FieldWriter& Text(std::string_view text);
  FieldWriter& Int(int64_t value);
  FieldWriter& OptionalInt(const std::optional<int64_t>& value);
  FieldWriter& Bool(bool value) { return Int(value ? 1 : 0); }
  FieldWriter& Time(Timestamp time) { return Int(ToUnixSeconds(time)); }
  FieldWriter& OptionalTime(const std::optional<Timestamp>& time);
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads the fields a FieldWriter wrote, in the same order. The first malformed field makes every
// later read return a default and Finish() return "database_error" naming `what`.
class FieldReader {
 public:
  FieldReader(std::string_view encoded, std::string what)
      : rest_(encoded), what_(std::move(what)) {}
  std::string Text();
  int64_t Int();
  std::optional<int64_t> OptionalInt();
  bool Bool() { return Int() != 0; }
  Timestamp Time() { return FromUnixSeconds(Int()); }
  std::optional<Timestamp> OptionalTime();
  // Fails unless every field was read and well-formed.
  Status Finish() const;
  // Marks the record bad (an enum name no longer known, say).
  void Fail() { ok_ = false; }

 private:
  std::optional<std::string_view> Next();

  std::string_view rest_;
  std::string what_;
  bool ok_ = true;
};

template <>
struct ResultCodec<ChargeView> {
  static constexpr std::string_view kKind = "charge";
  static std::string Encode(const ChargeView& view);
  static Result<ChargeView> Decode(UnitOfWork& uow, std::string_view encoded);
};

template <>
struct ResultCodec<RunView> {
  static constexpr std::string_view kKind = "tool_run";
  static std::string Encode(const RunView& view);
  static Result<RunView> Decode(UnitOfWork& uow, std::string_view encoded);
};

template <>
struct ResultCodec<domain::Order> {
  static constexpr std::string_view kKind = "order";
  static std::string Encode(const domain::Order& order);
  static Result<domain::Order> Decode(UnitOfWork& uow, std::string_view encoded);
};

template <>
struct ResultCodec<domain::LedgerEntry> {
  static constexpr std::string_view kKind = "ledger_entry";
  static std::string Encode(const domain::LedgerEntry& entry);
  static Result<domain::LedgerEntry> Decode(UnitOfWork& uow, std::string_view encoded);
};

}  // namespace creditd::app
