#include "app/result_codecs.h"

#include <charconv>

#include "app/ports/ledger_repository.h"
#include "app/ports/order_repository.h"
#include "common/status_macros.h"
#include "domain/charge.h"
#include "domain/hold.h"

namespace creditd::app {

FieldWriter& FieldWriter::Text(std::string_view text) {
  out_.append(std::to_string(text.size())).append(":").append(text);
  return *this;
}

FieldWriter& FieldWriter::Int(int64_t value) {
  return Text(std::to_string(value));
}

FieldWriter& FieldWriter::OptionalInt(const std::optional<int64_t>& value) {
  if (!value) {
    out_.push_back('~');
    return *this;
  }
  return Int(*value);
}

FieldWriter& FieldWriter::OptionalTime(const std::optional<Timestamp>& time) {
  return OptionalInt(time ? std::optional<int64_t>(ToUnixSeconds(*time)) : std::nullopt);
}

std::optional<std::string_view> FieldReader::Next() {
  if (!ok_) {
    return std::nullopt;
  }
  const size_t colon = rest_.find(':');
  size_t length = 0;
  const char* digits_end = rest_.data() + (colon == std::string_view::npos ? 0 : colon);
  const auto [end, error] = std::from_chars(rest_.data(), digits_end, length);
  if (colon == std::string_view::npos || colon == 0 || error != std::errc() || end != digits_end ||
      length > rest_.size() - colon - 1) {
    ok_ = false;
    return std::nullopt;
  }
  const std::string_view field = rest_.substr(colon + 1, length);
  rest_.remove_prefix(colon + 1 + length);
  return field;
}

std::string FieldReader::Text() {
  const auto field = Next();
  return field ? std::string(*field) : std::string();
}

int64_t FieldReader::Int() {
  const auto field = Next();
  int64_t value = 0;
  if (field) {
    const auto [end, error] = std::from_chars(field->data(), field->data() + field->size(), value);
    if (error != std::errc() || end != field->data() + field->size()) {
      ok_ = false;
      return 0;
    }
  }
  return value;
}

std::optional<int64_t> FieldReader::OptionalInt() {
  if (ok_ && rest_.starts_with('~')) {
    rest_.remove_prefix(1);
    return std::nullopt;
  }
  return Int();
}

std::optional<Timestamp> FieldReader::OptionalTime() {
  const auto seconds = OptionalInt();
  return seconds ? std::optional<Timestamp>(FromUnixSeconds(*seconds)) : std::nullopt;
}

Status FieldReader::Finish() const {
  if (!ok_ || !rest_.empty()) {
    return Status(reason::kDatabaseError, "internal error")
        .WithInternalDetail("malformed stored idempotent result: " + what_);
  }
  return Status::Ok();
}

namespace {

// An enum read back by name; an unknown name marks the record bad.
template <typename Enum, typename Parse>
Enum ReadEnum(FieldReader& reader, Parse parse, Enum fallback) {
  const auto value = parse(reader.Text());
  if (!value) {
    reader.Fail();
    return fallback;
  }
  return *value;
}

void WriteCharge(FieldWriter& writer, const domain::Charge& charge) {
  writer.Int(charge.id)
      .Int(charge.account_id)
      .OptionalInt(charge.user_id)
      .Text(charge.tool_key)
      .Int(charge.price_version)
      .Int(charge.unit_credits)
      .Int(charge.units)
      .Int(charge.reserved)
      .Int(charge.captured)
      .Int(charge.refunded)
      .Text(domain::HoldStatusName(charge.status))
      .Bool(charge.member_free)
      .Text(charge.metadata)
      .Text(charge.source)
      .Time(charge.created_at)
      .Time(charge.expires_at)
      .OptionalTime(charge.resolved_at)
      .Time(charge.updated_at)
      .Int(static_cast<int64_t>(charge.allocations.size()));
  for (const domain::ChargeAllocation& allocation : charge.allocations) {
    writer.Int(allocation.grant_id)
        .Int(allocation.reserved)
        .Int(allocation.captured)
        .Int(allocation.refunded);
  }
}

domain::Charge ReadCharge(FieldReader& reader) {
  domain::Charge charge;
  charge.id = reader.Int();
  charge.account_id = reader.Int();
  charge.user_id = reader.OptionalInt();
  charge.tool_key = reader.Text();
  charge.price_version = reader.Int();
  charge.unit_credits = reader.Int();
  charge.units = reader.Int();
  charge.reserved = reader.Int();
  charge.captured = reader.Int();
  charge.refunded = reader.Int();
  charge.status = ReadEnum(reader, domain::ParseHoldStatus, domain::HoldStatus::kPending);
  charge.member_free = reader.Bool();
  charge.metadata = reader.Text();
  charge.source = reader.Text();
  charge.created_at = reader.Time();
  charge.expires_at = reader.Time();
  charge.resolved_at = reader.OptionalTime();
  charge.updated_at = reader.Time();
  const int64_t allocations = reader.Int();
  // A charge draws on few grants; a count beyond any real one is a corrupt record.
  if (allocations < 0 || allocations > 100000) {
    reader.Fail();
    return charge;
  }
  for (int64_t i = 0; i < allocations; ++i) {
    domain::ChargeAllocation allocation;
    allocation.grant_id = reader.Int();
    allocation.reserved = reader.Int();
    allocation.captured = reader.Int();
    allocation.refunded = reader.Int();
    charge.allocations.push_back(allocation);
  }
  return charge;
}

// A reference: the id of what the write made.
Result<int64_t> ReadReference(std::string_view encoded, std::string_view kind) {
  FieldReader reader(encoded, std::string(kind));
  const int64_t id = reader.Int();
  CREDITD_RETURN_IF_ERROR(reader.Finish());
  return id;
}

}  // namespace

std::string ResultCodec<ChargeView>::Encode(const ChargeView& view) {
  FieldWriter writer;
  WriteCharge(writer, view.charge);
  writer.Int(view.credits);
  return writer.Take();
}

Result<ChargeView> ResultCodec<ChargeView>::Decode(UnitOfWork& /*uow*/, std::string_view encoded) {
  FieldReader reader(encoded, std::string(kKind));
  ChargeView view;
  view.charge = ReadCharge(reader);
  view.credits = reader.Int();
  CREDITD_RETURN_IF_ERROR(reader.Finish());
  return view;
}

std::string ResultCodec<RunView>::Encode(const RunView& view) {
  const domain::ToolRun& run = view.run;
  FieldWriter writer;
  writer.Int(run.id)
      .Int(run.user_id)
      .Int(run.account_id)
      .Text(run.tool_key)
      .Int(run.charge_id)
      .Text(domain::RunStatusName(run.status))
      .Text(run.prompt)
      .Text(run.params)
      .Int(run.cost)
      .Text(run.result_type)
      .Text(run.result)
      .Text(run.error)
      .Time(run.created_at)
      .OptionalTime(run.finished_at)
      .Int(view.credits);
  return writer.Take();
}

Result<RunView> ResultCodec<RunView>::Decode(UnitOfWork& /*uow*/, std::string_view encoded) {
  FieldReader reader(encoded, std::string(kKind));
  RunView view;
  domain::ToolRun& run = view.run;
  run.id = reader.Int();
  run.user_id = reader.Int();
  run.account_id = reader.Int();
  run.tool_key = reader.Text();
  run.charge_id = reader.Int();
  run.status = ReadEnum(reader, domain::ParseRunStatus, domain::RunStatus::kRunning);
  run.prompt = reader.Text();
  run.params = reader.Text();
  run.cost = reader.Int();
  run.result_type = reader.Text();
  run.result = reader.Text();
  run.error = reader.Text();
  run.created_at = reader.Time();
  run.finished_at = reader.OptionalTime();
  view.credits = reader.Int();
  CREDITD_RETURN_IF_ERROR(reader.Finish());
  return view;
}

std::string ResultCodec<domain::Order>::Encode(const domain::Order& order) {
  return FieldWriter().Int(order.id).Take();
}

Result<domain::Order> ResultCodec<domain::Order>::Decode(UnitOfWork& uow,
                                                         std::string_view encoded) {
  CREDITD_ASSIGN_OR_RETURN(const int64_t id, ReadReference(encoded, kKind));
  return uow.orders().FindById(id);
}

std::string ResultCodec<domain::LedgerEntry>::Encode(const domain::LedgerEntry& entry) {
  return FieldWriter().Int(entry.id).Take();
}

Result<domain::LedgerEntry> ResultCodec<domain::LedgerEntry>::Decode(UnitOfWork& uow,
                                                                     std::string_view encoded) {
  CREDITD_ASSIGN_OR_RETURN(const int64_t id, ReadReference(encoded, kKind));
  return uow.ledger().FindEntry(id);
}

}  // namespace creditd::app
