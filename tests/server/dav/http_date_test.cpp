#include "server/dav/http_date.h"

#include <chrono>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace dav {
namespace {

using std::chrono::sys_days;

constexpr int64_t kMicrosPerSecond = 1'000'000;

base::Timestamp FromSeconds(int64_t seconds) {
  return base::FromMicros(seconds * kMicrosPerSecond);
}

// RFC 7231 §7.1.1.1's example instant: Sun, 06 Nov 1994 08:49:37 GMT.
constexpr int64_t kRfcExample = 784111777;

// A fixed "now" for RFC 850 two-digit years: 2025-06-15T00:00:00Z.
const base::Timestamp kNow2025 = FromSeconds(1749945600);

TEST(FormatHttpDateTest, RfcExample) {
  EXPECT_EQ(FormatHttpDate(FromSeconds(kRfcExample)), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(FormatHttpDateTest, Epoch) {
  EXPECT_EQ(FormatHttpDate(FromSeconds(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(FormatHttpDateTest, DropsSubSecondPartTowardsThePast) {
  EXPECT_EQ(FormatHttpDate(base::FromMicros(kRfcExample * kMicrosPerSecond + 999'999)),
            "Sun, 06 Nov 1994 08:49:37 GMT");
  // Before the epoch truncation towards zero would give the wrong second.
  EXPECT_EQ(FormatHttpDate(base::FromMicros(-1)), "Wed, 31 Dec 1969 23:59:59 GMT");
}

TEST(FormatHttpDateTest, LeapYears) {
  auto at = [](std::chrono::year_month_day date) {
    return base::Timestamp(sys_days(date).time_since_epoch());
  };
  using std::chrono::February;
  using std::chrono::March;
  using std::chrono::year;
  EXPECT_EQ(FormatHttpDate(at(year(2000) / February / 29)), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(at(year(2100) / March / 1)), "Mon, 01 Mar 2100 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(at(year(2400) / February / 29)), "Tue, 29 Feb 2400 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(at(year(1900) / March / 1)), "Thu, 01 Mar 1900 00:00:00 GMT");
}

TEST(FormatRfc3339Test, CreationDateExample) {
  // RFC 4918 §15.1 example value.
  std::optional<base::Timestamp> time = ParseHttpDate("Mon, 01 Dec 1997 17:42:21 GMT");
  ASSERT_TRUE(time);
  EXPECT_EQ(FormatRfc3339(*time), "1997-12-01T17:42:21Z");
  EXPECT_EQ(FormatRfc3339(*time + std::chrono::microseconds(500'000)), "1997-12-01T17:42:21Z");
  EXPECT_EQ(FormatRfc3339(FromSeconds(0)), "1970-01-01T00:00:00Z");
}

// Cross-checks the hand-written calendar arithmetic against <chrono>'s, at a
// time of day that exercises every field: every day of 1896..2404 (four
// centuries around the epoch, including the 1900/2100 non-leap years and the
// 2000/2400 leap years), and every 13th day of years 1..9999.
void ExpectAgreesWithChronoAndRoundTrips(std::chrono::sys_days first, std::chrono::sys_days last,
                                         std::chrono::days step) {
  using namespace std::chrono;
  static constexpr const char* kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static constexpr const char* kDayNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  for (sys_days day = first; day <= last; day += step) {
    const base::Timestamp time = base::Timestamp(day.time_since_epoch()) + hours(13) + minutes(7) +
                                 seconds(59) + microseconds(123);
    const year_month_day date(day);
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%s, %02u %s %04d 13:07:59 GMT",
                  kDayNames[weekday(day).c_encoding()], static_cast<unsigned>(date.day()),
                  kMonthNames[static_cast<unsigned>(date.month()) - 1],
                  static_cast<int>(date.year()));
    const std::string formatted = FormatHttpDate(time);
    ASSERT_EQ(formatted, expected);
    std::optional<base::Timestamp> parsed = ParseHttpDate(formatted);
    ASSERT_TRUE(parsed) << formatted;
    ASSERT_EQ(*parsed, floor<seconds>(time)) << formatted;
  }
}

TEST(HttpDateTest, AgreesWithChronoCalendarAndRoundTrips) {
  using namespace std::chrono;
  ExpectAgreesWithChronoAndRoundTrips(sys_days(year(1896) / January / 1),
                                      sys_days(year(2404) / December / 31), days(1));
  ExpectAgreesWithChronoAndRoundTrips(sys_days(year(1) / January / 1),
                                      sys_days(year(9999) / December / 31), days(13));
}

TEST(ParseHttpDateTest, ThreeFormsOfTheSameInstant) {
  const base::Timestamp expected = FromSeconds(kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", kNow2025), expected);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT", kNow2025), expected);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994", kNow2025), expected);
  EXPECT_EQ(ParseHttpDate("Sun Nov 06 08:49:37 1994", kNow2025), expected);  // 2DIGIT form
}

TEST(ParseHttpDateTest, AsctimeTwoDigitDay) {
  EXPECT_EQ(ParseHttpDate("Wed Nov 16 08:49:37 1994"), FromSeconds(kRfcExample + 10 * 86400));
}

TEST(ParseHttpDateTest, Rfc850YearWithinFiftyYearsIsInThisCentury) {
  // 2075 is exactly 50 years after 2025: not "more than 50 years in the future".
  EXPECT_EQ(FormatRfc3339(*ParseHttpDate("Friday, 01-Jan-75 00:00:00 GMT", kNow2025)),
            "2075-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseHttpDate("Wednesday, 01-Jan-76 00:00:00 GMT", kNow2025)),
            "1976-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(*ParseHttpDate("Saturday, 01-Jan-00 00:00:00 GMT", kNow2025)),
            "2000-01-01T00:00:00Z");
}

TEST(ParseHttpDateTest, RobustToCaseAndSurroundingWhitespace) {
  const base::Timestamp expected = FromSeconds(kRfcExample);
  EXPECT_EQ(ParseHttpDate("sun, 06 nov 1994 08:49:37 gmt"), expected);
  EXPECT_EQ(ParseHttpDate(" \tSun, 06 Nov 1994 08:49:37 GMT  "), expected);
  EXPECT_EQ(ParseHttpDate("SUNDAY, 06-NOV-94 08:49:37 GMT", kNow2025), expected);
}

TEST(ParseHttpDateTest, DayNameIsNotCheckedAgainstTheDate) {
  EXPECT_EQ(ParseHttpDate("Mon, 06 Nov 1994 08:49:37 GMT"), FromSeconds(kRfcExample));
}

TEST(ParseHttpDateTest, LeapSecondRollsOver) {
  EXPECT_EQ(FormatRfc3339(*ParseHttpDate("Sat, 31 Dec 2016 23:59:60 GMT")), "2017-01-01T00:00:00Z");
}

TEST(ParseHttpDateTest, EpochAndExtremes) {
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT"), FromSeconds(0));
  EXPECT_EQ(FormatRfc3339(*ParseHttpDate("Fri, 31 Dec 9999 23:59:59 GMT")), "9999-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(*ParseHttpDate("Sat, 01 Jan 0000 00:00:00 GMT")), "0000-01-01T00:00:00Z");
}

TEST(ParseHttpDateTest, RejectsMalformedAndImpossibleDates) {
  const char* const kBad[] = {
      "",
      "   ",
      "garbage",
      "Sun",
      "Sun,",
      "Sun, 06 Nov 1994",
      "Sun, 06 Nov 1994 08:49:37",
      "Sun, 06 Nov 1994 08:49:37 UTC",
      "Sun, 06 Nov 1994 08:49:37 GMT extra",
      "Sun, 06 Nov 1994 08:49:37 GMTX",
      "Sun, 6 Nov 1994 08:49:37 GMT",
      "Sun, 06 Nov 94 08:49:37 GMT",
      "Sun, 06 November 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 8:49:37 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:60:00 GMT",
      "Sun, 06 Nov 1994 08:49:61 GMT",
      "Sun, 00 Nov 1994 08:49:37 GMT",
      "Sun, 31 Apr 1994 08:49:37 GMT",
      "Sun, 29 Feb 1900 08:49:37 GMT",
      "Sun, 30 Feb 2000 08:49:37 GMT",
      "Sun, 06 Xyz 1994 08:49:37 GMT",
      "Sun,  06 Nov 1994 08:49:37 GMT",
      "Sun 06 Nov 1994 08:49:37 GMT",
      "Sunday, 06 Nov 1994 08:49:37 GMT",  // long name with the IMF layout
      "Sun, 06-Nov-94 08:49:37 GMT",       // short name with the RFC 850 layout
      "Sunday, 06-Nov-1994 08:49:37 GMT",
      "Sun Nov 6 08:49:37 1994",
      "Sun Nov  6 08:49:37 94",
      "Sun Nov  6 08:49:37 1994 GMT",
      "Sun Nov   6 08:49:37 1994",
      "Funday, 06-Nov-94 08:49:37 GMT",
      "1994-11-06T08:49:37Z",
      "784111777",
  };
  for (const char* text : kBad) {
    EXPECT_FALSE(ParseHttpDate(text, kNow2025)) << text;
  }
  EXPECT_FALSE(ParseHttpDate(std::string_view("Sun, 06 Nov 1994 08:49:37 G\0T", 29)));
}

TEST(ParseHttpDateTest, EveryPrefixOfAValidDateIsRejected) {
  for (std::string_view valid : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                                 "Sun Nov  6 08:49:37 1994"}) {
    for (size_t length = 0; length < valid.size(); ++length) {
      EXPECT_FALSE(ParseHttpDate(valid.substr(0, length), kNow2025)) << valid.substr(0, length);
    }
    EXPECT_TRUE(ParseHttpDate(valid, kNow2025)) << valid;
  }
}

}  // namespace
}  // namespace dav
