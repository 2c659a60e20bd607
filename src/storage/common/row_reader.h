// The two small concepts through which the backends share their row-to-domain mapping and their
// parameter lists (STYLE.md B.10, "SQL apart, mapping shared"): a RowReader reads the columns of
// one result row by 0-based index, a ParamWriter appends statement parameters in order. SQLite's
// Statement and PostgreSQL's PgRow are RowReaders; SQLite's ParamBinder and PostgreSQL's PgQuery
// are ParamWriters. The mappers in storage/common/*_rows.h are written once against these.
//
// Times are stored as Unix seconds and booleans as 0/1 integers in both schemas, so the column
// helpers below are the whole of the type mapping. Header only; no state, thread-safe.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/clock.h"
#include "common/money.h"
#include "common/result.h"
#include "storage/common/storage_status.h"

namespace creditd::storage {

// One result row: NULL reads as 0 / "" through Int64 / Text.
template <typename Row>
concept RowReader = requires(const Row& row, int column) {
  { row.Int64(column) } -> std::same_as<int64_t>;
  { row.OptionalInt64(column) } -> std::same_as<std::optional<int64_t>>;
  { row.Text(column) } -> std::same_as<std::string>;
  { row.IsNull(column) } -> std::same_as<bool>;
};

// The parameters of one statement, appended in placeholder order.
template <typename Params>
concept ParamWriter = requires(Params& params, int64_t number, std::string_view text,
                               const std::optional<int64_t>& optional) {
  params.Bind(number);
  params.Bind(text);
  params.Bind(optional);
};

template <RowReader Row>
Timestamp TimeColumn(const Row& row, int column) {
  return FromUnixSeconds(row.Int64(column));
}

template <RowReader Row>
std::optional<Timestamp> OptionalTimeColumn(const Row& row, int column) {
  if (const auto seconds = row.OptionalInt64(column)) {
    return FromUnixSeconds(*seconds);
  }
  return std::nullopt;
}

template <RowReader Row>
bool BoolColumn(const Row& row, int column) {
  return row.Int64(column) != 0;
}

template <RowReader Row>
int IntColumn(const Row& row, int column) {
  return static_cast<int>(row.Int64(column));
}

// Reads an enum stored by name; a name `parse` does not know is a corrupt row ("database_error"
// naming `what`, e.g. "orders.status").
template <RowReader Row, typename Parse>
auto EnumColumn(const Row& row, int column, Parse parse, std::string_view what)
    -> Result<typename decltype(parse(std::string_view()))::value_type> {
  const std::string text = row.Text(column);
  const auto value = parse(text);
  if (!value) {
    return Corrupt(std::string(what));
  }
  return *value;
}

// Reads an amount stored as minor units in `amount_column` and an ISO code in
// `currency_column`; a code Currency does not know is a corrupt row naming `what`.
template <RowReader Row>
Result<Money> MoneyColumn(const Row& row, int amount_column, int currency_column,
                          std::string_view what) {
  const auto currency = Currency::FromCode(row.Text(currency_column));
  if (!currency) {
    return Corrupt(std::string(what));
  }
  return Money(row.Int64(amount_column), *currency);
}

// The T of a Result<T> (what a mapper produces).
template <typename R>
struct ResultValue;
template <typename T>
struct ResultValue<Result<T>> {
  using type = T;  // NOLINT(readability-identifier-naming): the type-trait convention.
};
template <typename Map, typename Row>
using MappedType = typename ResultValue<std::invoke_result_t<Map, const Row&>>::type;

// The first column of a row as an id (lists of ids).
template <RowReader Row>
Result<int64_t> MapId(const Row& row) {
  return row.Int64(0);
}

// A boolean and an optional time as parameters.
inline int64_t BoolParam(bool value) {
  return value ? 1 : 0;
}
inline std::optional<int64_t> OptionalSeconds(const std::optional<Timestamp>& time) {
  return time ? std::optional<int64_t>(ToUnixSeconds(*time)) : std::nullopt;
}

}  // namespace creditd::storage
