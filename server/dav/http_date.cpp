#include "server/dav/http_date.h"

#include <array>
#include <cstdint>

#include "server/base/strings.h"

namespace dav {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

constexpr std::array<std::string_view, 7> kShortDays = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct CivilDate {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

// Division that rounds towards negative infinity, so that times before 1970
// land in the right second and day.
int64_t FloorDiv(int64_t value, int64_t divisor) {
  int64_t quotient = value / divisor;
  if (value % divisor < 0) --quotient;
  return quotient;
}

int64_t FloorMod(int64_t value, int64_t divisor) {
  return value - FloorDiv(value, divisor) * divisor;
}

// Days since 1970-01-01 of a proleptic Gregorian date. Howard Hinnant's
// days_from_civil: the year is shifted to start in March so that the leap
// day is the last day of the (shifted) year, and 400-year eras repeat exactly.
int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(year, 400);
  const int64_t year_of_era = year - era * 400;                         // [0, 399]
  const int64_t shifted_month = month > 2 ? month - 3 : month + 9;      // March = 0
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;  // [0, 365]
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
  return era * 146097 + day_of_era - 719468;
}

// Inverse of DaysFromCivil (Hinnant's civil_from_days).
CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool IsLeapYear(int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int DaysInMonth(int64_t year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// A time broken down into its UTC calendar fields, at one-second resolution.
struct BrokenDown {
  CivilDate date;
  int weekday;  // 0 = Sunday
  int hour;
  int minute;
  int second;
};

BrokenDown BreakDown(base::Timestamp time) {
  const int64_t seconds = FloorDiv(base::ToMicros(time), kMicrosPerSecond);
  const int64_t days = FloorDiv(seconds, kSecondsPerDay);
  const int64_t second_of_day = seconds - days * kSecondsPerDay;
  BrokenDown out;
  out.date = CivilFromDays(days);
  out.weekday = static_cast<int>(FloorMod(days + 4, 7));  // 1970-01-01 was a Thursday
  out.hour = static_cast<int>(second_of_day / 3600);
  out.minute = static_cast<int>(second_of_day / 60 % 60);
  out.second = static_cast<int>(second_of_day % 60);
  return out;
}

// Appends `value` in decimal, zero-padded to `width` digits. Hand-rolled
// rather than snprintf so the output cannot depend on the C locale.
void AppendPadded(std::string& out, int64_t value, int width) {
  if (value < 0) {
    out.push_back('-');
    value = -value;  // years are far inside int64 range, no overflow
  }
  char digits[24];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int pad = count; pad < width; ++pad) out.push_back('0');
  while (count > 0) out.push_back(digits[--count]);
}

// A forward-only reader over the date text. Every accessor checks bounds, so
// malformed input can only make it fail, never read past the end.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }

  bool Char(char expected) {
    if (pos_ >= text_.size() || text_[pos_] != expected) return false;
    ++pos_;
    return true;
  }

  // Exactly `count` ASCII digits.
  std::optional<int> Digits(int count) {
    if (text_.size() - pos_ < static_cast<size_t>(count)) return std::nullopt;
    int value = 0;
    for (int index = 0; index < count; ++index) {
      char c = text_[pos_ + index];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }

  // A run of ASCII letters (possibly empty).
  std::string_view Letters() {
    size_t start = pos_;
    while (pos_ < text_.size() && ((text_[pos_] >= 'a' && text_[pos_] <= 'z') ||
                                   (text_[pos_] >= 'A' && text_[pos_] <= 'Z'))) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  // One of `names`, case-insensitively; returns its 1-based index.
  template <size_t N>
  std::optional<int> Name(const std::array<std::string_view, N>& names) {
    std::string_view word = Letters();
    for (size_t index = 0; index < N; ++index) {
      if (base::AsciiIEquals(word, names[index])) return static_cast<int>(index) + 1;
    }
    return std::nullopt;
  }

  // time-of-day = hour ":" minute ":" second, as seconds since midnight.
  // second = 60 is accepted: the grammar allows a leap second (§7.1.1.1),
  // and it simply rolls over into the next minute.
  std::optional<int64_t> TimeOfDay() {
    std::optional<int> hour = Digits(2);
    if (!hour || !Char(':')) return std::nullopt;
    std::optional<int> minute = Digits(2);
    if (!minute || !Char(':')) return std::nullopt;
    std::optional<int> second = Digits(2);
    if (!second || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    return *hour * 3600 + *minute * 60 + *second;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

std::optional<base::Timestamp> Assemble(int64_t year, int month, int day, int64_t second_of_day) {
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  const int64_t seconds = DaysFromCivil(year, month, day) * kSecondsPerDay + second_of_day;
  return base::FromMicros(seconds * kMicrosPerSecond);
}

// IMF-fixdate after "Sun,": SP 2DIGIT SP month SP 4DIGIT SP time-of-day SP "GMT".
std::optional<base::Timestamp> ParseImfFixdate(Cursor& in) {
  if (!in.Char(' ')) return std::nullopt;
  std::optional<int> day = in.Digits(2);
  if (!day || !in.Char(' ')) return std::nullopt;
  std::optional<int> month = in.Name(kMonths);
  if (!month || !in.Char(' ')) return std::nullopt;
  std::optional<int> year = in.Digits(4);
  if (!year || !in.Char(' ')) return std::nullopt;
  std::optional<int64_t> time = in.TimeOfDay();
  if (!time || !in.Char(' ') || !base::AsciiIEquals(in.Letters(), "GMT") || !in.AtEnd()) {
    return std::nullopt;
  }
  return Assemble(*year, *month, *day, *time);
}

// rfc850-date after "Sunday,": SP 2DIGIT "-" month "-" 2DIGIT SP time-of-day SP "GMT".
std::optional<base::Timestamp> ParseRfc850(Cursor& in, base::Timestamp now) {
  if (!in.Char(' ')) return std::nullopt;
  std::optional<int> day = in.Digits(2);
  if (!day || !in.Char('-')) return std::nullopt;
  std::optional<int> month = in.Name(kMonths);
  if (!month || !in.Char('-')) return std::nullopt;
  std::optional<int> two_digit_year = in.Digits(2);
  if (!two_digit_year || !in.Char(' ')) return std::nullopt;
  std::optional<int64_t> time = in.TimeOfDay();
  if (!time || !in.Char(' ') || !base::AsciiIEquals(in.Letters(), "GMT") || !in.AtEnd()) {
    return std::nullopt;
  }
  // RFC 7231 §7.1.1.1: a year more than 50 years in the future means the
  // most recent past year with the same last two digits.
  const int64_t current_year = BreakDown(now).date.year;
  int64_t year = current_year - current_year % 100 + *two_digit_year;
  if (year > current_year + 50) year -= 100;
  return Assemble(year, *month, *day, *time);
}

// asctime-date after "Sun": SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP 4DIGIT.
std::optional<base::Timestamp> ParseAsctime(Cursor& in) {
  if (!in.Char(' ')) return std::nullopt;
  std::optional<int> month = in.Name(kMonths);
  if (!month || !in.Char(' ')) return std::nullopt;
  std::optional<int> day = in.Char(' ') ? in.Digits(1) : in.Digits(2);
  if (!day || !in.Char(' ')) return std::nullopt;
  std::optional<int64_t> time = in.TimeOfDay();
  if (!time || !in.Char(' ')) return std::nullopt;
  std::optional<int> year = in.Digits(4);
  if (!year || !in.AtEnd()) return std::nullopt;
  return Assemble(*year, *month, *day, *time);
}

}  // namespace

std::string FormatHttpDate(base::Timestamp time) {
  const BrokenDown parts = BreakDown(time);
  std::string out;
  out.reserve(29);
  out += kShortDays[parts.weekday];
  out += ", ";
  AppendPadded(out, parts.date.day, 2);
  out += ' ';
  out += kMonths[parts.date.month - 1];
  out += ' ';
  AppendPadded(out, parts.date.year, 4);
  out += ' ';
  AppendPadded(out, parts.hour, 2);
  out += ':';
  AppendPadded(out, parts.minute, 2);
  out += ':';
  AppendPadded(out, parts.second, 2);
  out += " GMT";
  return out;
}

std::optional<base::Timestamp> ParseHttpDate(std::string_view text) {
  return ParseHttpDate(text, base::Now());
}

std::optional<base::Timestamp> ParseHttpDate(std::string_view text, base::Timestamp now) {
  Cursor in(base::Trim(text));
  // The day name tells the three forms apart: "Sun," starts an IMF-fixdate,
  // "Sunday," an RFC 850 date and "Sun " an asctime date.
  Cursor probe = in;
  if (in.Name(kShortDays)) return in.Char(',') ? ParseImfFixdate(in) : ParseAsctime(in);
  if (probe.Name(kLongDays) && probe.Char(',')) return ParseRfc850(probe, now);
  return std::nullopt;
}

std::string FormatRfc3339(base::Timestamp time) {
  const BrokenDown parts = BreakDown(time);
  std::string out;
  out.reserve(20);
  AppendPadded(out, parts.date.year, 4);
  out += '-';
  AppendPadded(out, parts.date.month, 2);
  out += '-';
  AppendPadded(out, parts.date.day, 2);
  out += 'T';
  AppendPadded(out, parts.hour, 2);
  out += ':';
  AppendPadded(out, parts.minute, 2);
  out += ':';
  AppendPadded(out, parts.second, 2);
  out += 'Z';
  return out;
}

}  // namespace dav
