"""Cell normalisation for the standard open-data sets, one table of real and messy values per kind.

Many inputs are copied from the real municipal files in ``shared/realdata`` (noted per row),
so a change that breaks what publishers actually write fails here first.
"""

from __future__ import annotations

import dataclasses

import pytest

from pipelines.parsers.errors import ValueFormatError
from pipelines.standard.normalise import (
    KINDS,
    Normalised,
    check_digit,
    coordinate,
    coordinates,
    corporate_check_digit,
    normalise,
)


def value_of(kind: str, raw: str, **kw: object) -> str | None:
    return normalise(kind, raw, **kw).value  # type: ignore[arg-type]


def expected_error(kind: str, raw: str, **kw: object) -> str:
    with pytest.raises(ValueFormatError) as info:
        normalise(kind, raw, **kw)  # type: ignore[arg-type]
    assert info.value.value == raw, "the error must quote the cell as published"
    return info.value.expected


# --------------------------------------------------------------------------------------
# API shape
# --------------------------------------------------------------------------------------


def test_kinds_match_the_spec_loader_so_every_spec_column_has_a_normaliser() -> None:
    from pipelines.standard.spec import KINDS as SPEC_KINDS

    assert set(KINDS) == set(SPEC_KINDS)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "choice"])
@pytest.mark.parametrize("blank", [None, "", "   ", "\u3000", " \u3000\t"])
def test_blank_cells_are_none_without_repairs_for_every_kind(kind: str, blank: str | None) -> None:
    assert normalise(kind, blank) == Normalised(None, ())


def test_blank_choice_is_none() -> None:
    assert normalise("choice", " ", values=["階数", "標高"]) == Normalised(None, ())


def test_normalised_is_frozen() -> None:
    result = normalise("text", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = "y"  # type: ignore[misc]


def test_unknown_kind_is_a_programming_error_not_a_data_error() -> None:
    with pytest.raises(ValueError, match="unknown kind 'colour'") as info:
        normalise("colour", "red")
    assert not isinstance(info.value, ValueFormatError)


def test_choice_without_values_and_values_on_other_kinds_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="needs values"):
        normalise("choice", "階数")
    with pytest.raises(ValueError, match="only apply to kind 'choice'"):
        normalise("text", "x", values=["x"])


def test_surrounding_whitespace_is_trimmed_and_reported() -> None:
    # 法人番号 with a trailing space: 飯田市 cultural_properties/iida_67233.csv
    assert normalise("corporate_number", "2000020202053 ") == Normalised(
        "2000020202053", ("trimmed surrounding whitespace",)
    )


# --------------------------------------------------------------------------------------
# 全国地方公共団体コード
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("five", "digit"),
    [
        ("13000", "1"),  # 東京都 130001 (remainder 10)
        ("13104", "1"),  # 新宿区 131041 (remainder 0 → 11 → 1)
        ("13101", "6"),  # 千代田区 131016
        ("13113", "0"),  # 渋谷区 131130 (remainder 1 → 10 → 0)
        ("01100", "2"),  # 札幌市 011002
    ],
)
def test_check_digit_matches_the_spec_table(five: str, digit: str) -> None:
    assert check_digit(five) == digit


@pytest.mark.parametrize(
    "code",
    [
        "130001", "131041", "131016", "131130", "011002",  # the spec's table
        "122033", "170003", "222127", "382027", "092088", "202053", "132195",  # publishers in realdata
        "172014", "174637", "131024", "372013", "182095",  # more codes seen in realdata
    ],
)
def test_real_codes_pass_unchanged(code: str) -> None:
    assert normalise("lg_code", code) == Normalised(code, ())


@pytest.mark.parametrize(
    ("raw", "code", "note"),
    [
        ("131041.0", "131041", "dropped Excel decimal"),
        ("１３１０４１", "131041", "full-width characters narrowed"),
        ("92088", "092088", "restored lost leading zero"),  # 小山市, read as a number
        ("11002", "011002", "restored lost leading zero"),  # 札幌市
        ("92088.0", "092088", "restored lost leading zero"),
        ("13101", "131016", "computed check digit for 5-digit code 13101"),
        ("13000", "130001", "computed check digit for 5-digit code 13000"),
        ("13113", "131130", "computed check digit for 5-digit code 13113"),
    ],
)
def test_lost_leading_zero_and_missing_check_digit_are_repaired_and_reported(raw: str, code: str, note: str) -> None:
    result = normalise("lg_code", raw)
    assert result.value == code
    assert any(r.startswith(note) for r in result.repairs), result.repairs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("131042", "a 6-digit 全国地方公共団体コード whose check digit is 1"),
        ("131017", "a 6-digit 全国地方公共団体コード whose check digit is 6"),
        ("011003", "a 6-digit 全国地方公共団体コード whose check digit is 2"),
        ("981234", "prefecture number 01–47"),
        ("99999", "neither a code that lost its leading zero nor a 5-digit code"),
        ("1310411", "6-digit 全国地方公共団体コード"),
        ("1234", "6-digit 全国地方公共団体コード"),
        ("13104A", "6-digit 全国地方公共団体コード"),
        ("新宿区", "6-digit 全国地方公共団体コード"),
    ],
)
def test_bad_codes_say_what_a_code_looks_like(raw: str, expected: str) -> None:
    assert expected in expected_error("lg_code", raw)


def test_check_digit_rejects_anything_but_five_digits() -> None:
    with pytest.raises(ValueFormatError):
        check_digit("1310")


# --------------------------------------------------------------------------------------
# 法人番号
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "3000020382027",  # 今治市 (aed/imabari)
        "2000020202053",  # 飯田市 (childcare/iida)
        "2000020170003",  # 石川県
        "6000020172103",  # 白山市 (public_facilities/ishikawa-pref)
        "2100005009438", "9100005010281", "5220005000175", "4220001013165", "9030001134091",
    ],
)
def test_real_corporate_numbers_pass_the_check_digit(number: str) -> None:
    assert corporate_check_digit(number[1:]) == number[0]
    assert normalise("corporate_number", number) == Normalised(number, ())


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("３００００２０３８２０２７", "3000020382027"),
        ("3000020382027.0", "3000020382027"),
        ("3-0000-2038-2027", "3000020382027"),
        # 会社法人等番号 (12 digits) written instead of the 法人番号: public_facilities/ishikawa-pref
        ("220005000175", "5220005000175"),
        ("2200-05-000175", "5220005000175"),
    ],
)
def test_corporate_number_repairs(raw: str, number: str) -> None:
    result = normalise("corporate_number", raw)
    assert result.value == number
    assert result.repairs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3000020382028", "a 13-digit 法人番号 whose check digit (first digit) is 2"),
        ("4000020382027", "a 13-digit 法人番号 whose check digit (first digit) is 3"),
        ("30000203820", "13-digit 法人番号"),
        ("株式会社", "13-digit 法人番号"),
    ],
)
def test_bad_corporate_numbers(raw: str, expected: str) -> None:
    assert expected in expected_error("corporate_number", raw)


def test_dash_placeholder_corporate_number_is_blank() -> None:
    # public_facilities/ishikawa-pref writes '-' where there is no 法人番号
    assert normalise("corporate_number", "-") == Normalised(None, ("placeholder '-' read as blank",))


# --------------------------------------------------------------------------------------
# Text kinds
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("市川市役所", "市川市役所"),
        ("ｲﾁｶﾜ", "イチカワ"),
        ("ｺﾏｴｼﾔｸｼｮ", "コマエシヤクショ"),
        ("アトレ庁舎１階", "アトレ庁舎1階"),  # public_wifi/yaizu
        ("和泉本町１丁目１番5号", "和泉本町1丁目1番5号"),  # aed/komae
        ("ＡＢＣビル", "ABCビル"),
        ("休館日（土日、祝日、年末年始）", "休館日（土日、祝日、年末年始）"),  # full-width punctuation kept
        ("高松城  北之丸", "高松城  北之丸"),  # inner spaces kept
        ("入館受付は16:30まで\u3000", "入館受付は16:30まで"),  # cultural_properties/iida
        ("ひらがなは変えない", "ひらがなは変えない"),
    ],
)
def test_text_widens_half_width_kana_and_narrows_full_width_alphanumerics(raw: str, out: str) -> None:
    assert value_of("text", raw) == out


def test_text_reports_each_kind_of_repair() -> None:
    assert normalise("text", "ｲﾁｶﾜ１").repairs == (
        "half-width katakana widened", "full-width letters/digits narrowed to half-width",
    )


def test_text_keeps_dash_as_text() -> None:
    assert value_of("text", "-") == "-"


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("LL0100022200", "LL0100022200"),
        ("ＬＬ０１０００２２２００", "LL0100022200"),
        ("0000000001", "0000000001"),  # NO zero-padded (aed/yaizu): keep leading zeros
        ("MM0000000101", "MM0000000101"),
    ],
)
def test_identifier_is_half_width_and_keeps_leading_zeros(raw: str, out: str) -> None:
    assert value_of("identifier", raw) == out


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("Kenroku-en Garden", "Kenroku-en Garden"),
        ("Ｋａｎａｚａｗａ Castle", "Kanazawa Castle"),
        ("Hakusan folk museum,Ishikawa prefecture", "Hakusan folk museum,Ishikawa prefecture"),
        ("Children’s Hall", "Children's Hall"),
        ("Kenroku–en", "Kenroku-en"),
    ],
)
def test_ascii_text(raw: str, out: str) -> None:
    assert value_of("ascii_text", raw) == out


@pytest.mark.parametrize("raw", ["soccer・rugbystadium", "市役所", "wakuraonsen、yottohaba"])
def test_ascii_text_rejects_what_cannot_be_ascii(raw: str) -> None:
    assert "half-width (ASCII) text" in expected_error("ascii_text", raw)


# --------------------------------------------------------------------------------------
# Kana
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "out", "notes"),
    [
        ("イチカワシヤクショ", "イチカワシヤクショ", ()),
        ("ｺﾏｴｼﾔｸｼｮ", "コマエシヤクショ", ("half-width katakana widened",)),  # aed/komae
        ("ｼｵﾊﾏｶﾞｸｴﾝ", "シオハマガクエン", ("half-width katakana widened",)),  # ﾞ combines
        ("ﾌﾞｯｻﾝ", "ブッサン", ("half-width katakana widened",)),
        ("ｳﾞｧｲｵﾘﾝ", "ヴァイオリン", ("half-width katakana widened",)),
        # aed/ichikawa: '-' typed for the long-vowel mark and '･' half-width middle dot
        ("ｲｷｲｷｾﾝﾀ-ｼｵﾊﾏ", "イキイキセンターシオハマ",
         ("half-width katakana widened", "hyphen used as long-vowel mark replaced by ー")),
        ("ｲﾁｶﾜｶﾝｺｳ･ﾌﾞｯｻﾝ", "イチカワカンコウ・ブッサン", ("half-width katakana widened",)),
        ("ひらがな", "ヒラガナ", ("hiragana converted to katakana",)),
        ("いちかわ　シヤクショ", "イチカワ　シヤクショ", ("hiragana converted to katakana",)),
        ("ダイ2コウエン", "ダイ２コウエン", ("half-width letters/digits/symbols widened",)),
        ("ｼｵﾊﾏｶﾞｸｴﾝ(ｺｳｷｶﾃｲ)", "シオハマガクエン（コウキカテイ）",
         ("half-width katakana widened", "half-width letters/digits/symbols widened")),
        ("アサクラB&Gカイヨウセンター", "アサクラＢ＆Ｇカイヨウセンター",  # aed/imabari
         ("half-width letters/digits/symbols widened",)),
        ("セキシツ・ゴリントウ", "セキシツ・ゴリントウ", ()),  # cultural_properties/iida
        ("コソダテサポートルーム（ツドイノヒロバ）", "コソダテサポートルーム（ツドイノヒロバ）", ()),
    ],
)
def test_kana_becomes_full_width_katakana(raw: str, out: str, notes: tuple[str, ...]) -> None:
    assert normalise("kana", raw) == Normalised(out, notes)


@pytest.mark.parametrize("raw", ["市役所", "カホク市サッカー", "○○エキ"])
def test_kana_with_kanji_or_symbols_is_rejected(raw: str) -> None:
    expected = expected_error("kana", raw)
    assert "full-width katakana" in expected
    assert "is not katakana" in expected


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2022-06-01", "2022-06-01"),
        ("1949-02-18", "1949-02-18"),  # cultural_properties/iida
        ("2018/3/15", "2018-03-15"),  # opendata_catalogue/ishikawa-pref
        ("2023/9/6", "2023-09-06"),
        ("2018.3.15", "2018-03-15"),
        ("2018-3-5", "2018-03-05"),
        ("2023年4月1日", "2023-04-01"),
        ("2023年 4月 1日", "2023-04-01"),
        ("２０２３年４月１日", "2023-04-01"),
        ("２０２３／０４／０１", "2023-04-01"),
        ("20230401", "2023-04-01"),
        ("令和5年4月1日", "2023-04-01"),
        ("令和５年４月１日", "2023-04-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("R5.4.1", "2023-04-01"),
        ("r5.4.1", "2023-04-01"),
        ("R05.04.01", "2023-04-01"),
        ("H30/1/1", "2018-01-01"),
        ("H30.1.1", "2018-01-01"),
        ("S64.1.7", "1989-01-07"),
        ("平成元年1月8日", "1989-01-08"),
        ("平成31年4月30日", "2019-04-30"),
        ("昭和24年2月18日", "1949-02-18"),
        ("大正元年7月30日", "1912-07-30"),
        ("明治45年7月29日", "1912-07-29"),
        ("㋿5年4月1日", "2023-04-01"),
        ("45016", "2023-03-31"),  # population/ichikawa 調査年月日 (Excel serial)
        ("45016.0", "2023-03-31"),
        ("10000", "1927-05-18"),
        ("99999", "2173-10-13"),
        ("2023/4/1 0:00:00", "2023-04-01"),  # Excel date cell exported as date-time
        ("2023-04-01 00:00", "2023-04-01"),
        ("2023-04-01T00:00:00", "2023-04-01"),
        ("2023年4月1日(土)", "2023-04-01"),
        ("2023年4月1日（土曜日）", "2023-04-01"),
    ],
)
def test_dates_become_iso(raw: str, iso: str) -> None:
    assert value_of("date", raw) == iso


def test_iso_date_has_no_repairs_and_others_say_what_changed() -> None:
    assert normalise("date", "2023-04-01").repairs == ()
    assert normalise("date", "R5.4.1").repairs == ("converted 和暦 R5.4.1 to 2023-04-01",)
    assert normalise("date", "45016").repairs == ("converted Excel serial day number 45016 to 2023-03-31",)
    assert normalise("date", "2018/3/15").repairs == ("reformatted date 2018/3/15 as 2018-03-15",)


def test_era_year_past_the_end_of_its_era_is_read_with_a_note() -> None:
    # forms printed before 2019 kept saying 平成; 平成32年 is unambiguous (2020)
    result = normalise("date", "平成32年3月31日")
    assert result.value == "2020-03-31"
    assert any("after the end of 平成" in r for r in result.repairs)
    assert value_of("date", "S64.1.8") == "1989-01-08"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-02-30", "a real calendar date (2023-02-30 does not exist)"),
        ("2023-02-29", "a real calendar date"),
        ("2023/13/1", "a real calendar date"),
        ("令和5年2月29日", "a real calendar date"),
        ("令和元年4月1日", "a date inside the 令和 era (令和 began on 2019-05-01)"),
        ("平成元年1月7日", "a date inside the 平成 era"),
        ("R0.4.1", "元 or 1 and above"),
        ("1954-11", "a date such as 2023-04-01"),  # cultural_properties/iida: year-month only
        ("23/4/1", "a date such as 2023-04-01"),
        ("2023", "a date such as 2023-04-01"),
        ("4516", "a date such as 2023-04-01"),  # not a 5-digit serial
        ("100000", "a date such as 2023-04-01"),
        ("令和5年度", "a date such as 2023-04-01"),
        ("2023/4/1 9:30", "time of day other than 0:00"),
        ("2023年4月1日(日)", "2023-04-01 is a 土曜日, not 日"),
        ("随時", "a date such as 2023-04-01"),
    ],
)
def test_bad_dates_say_what_was_expected(raw: str, expected: str) -> None:
    assert expected in expected_error("date", raw)


# --------------------------------------------------------------------------------------
# Times
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("09:00", "09:00"),
        ("9:00", "09:00"),  # aed/komae, public_facilities/ichikawa
        ("8:30", "08:30"),
        ("08:30", "08:30"),
        ("８：３０", "08:30"),
        ("09：30", "09:30"),  # cultural_properties/iida (full-width colon only)
        ("17：00", "17:00"),
        ("8:30:00", "08:30"),
        ("0:00", "00:00"),  # public_facilities/ishikawa-pref (open all day)
        ("23:59", "23:59"),
        ("8時30分", "08:30"),
        ("8時", "08:00"),
        ("17時半", "17:30"),
        ("午後5時", "17:00"),
        ("午前8時30分", "08:30"),
        ("5:30 PM", "17:30"),
        ("12:30 PM", "12:30"),
        ("12:15 a.m.", "00:15"),
        ("0830", "08:30"),
        ("1715", "17:15"),
        ("0.5", "12:00"),  # Excel time fraction
        ("0.354166666666667", "08:30"),
    ],
)
def test_times_become_zero_padded_hh_mm(raw: str, out: str) -> None:
    assert value_of("time", raw) == out


def test_canonical_time_has_no_repairs() -> None:
    assert normalise("time", "09:00").repairs == ()
    assert normalise("time", "9:00").repairs == ("reformatted time 9:00 as 09:00",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("24:00", "24:00 is not defined by the standard"),
        ("25:00", "hours run 00–23 and minutes 00–59"),
        ("8:60", "hours run 00–23 and minutes 00–59"),
        ("2400", "24:00 is not defined"),
        ("8:30:15", "seconds other than :00"),
        ("午後13時", "with 午前/午後 or AM/PM the hour is 0–11"),
        ("午後12時", "with 午前/午後 or AM/PM the hour is 0–11"),  # noon or midnight? ambiguous
        ("13:00 PM", "with 午前/午後 or AM/PM the hour is 0–11"),
        ("日没まで", "hh:mm"),  # public_facilities/ishikawa-pref
        ("4/1～10/31  6:00   11/1～3/31 8:30", "hh:mm"),  # ditto
        ("9:00-17:00", "hh:mm"),  # a range belongs in two columns
        ("8.30", "hh:mm"),
        ("830", "hh:mm"),
    ],
)
def test_bad_times(raw: str, expected: str) -> None:
    assert expected in expected_error("time", raw)


# --------------------------------------------------------------------------------------
# Weekdays
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("月火水木金", "月火水木金"),
        ("月火水木金土日", "月火水木金土日"),  # aed/komae
        ("火水木金土日", "火水木金土日"),  # cultural_properties/iida
        ("月,火,水", "月火水"),
        ("月、火、水", "月火水"),
        ("月;火", "月火"),
        ("月・火", "月火"),
        ("月 水 金", "月水金"),
        ("月曜日、火曜日", "月火"),
        ("月曜・水曜", "月水"),
        ("月～金", "月火水木金"),
        ("月〜金", "月火水木金"),
        ("月-金", "月火水木金"),
        ("月曜日から金曜日", "月火水木金"),
        ("金～月", "月金土日"),  # wraps round the week
        ("平日", "月火水木金"),
        ("平日・土", "月火水木金土"),
        ("土日祝", "土日祝"),
        ("土・日・祝日", "土日祝"),
        ("祝日", "祝"),
        ("毎日", "月火水木金土日"),
        ("全日", "月火水木金土日"),
        ("日月火", "月火日"),  # week order
        ("月月火", "月火"),
        ("月～金、祝", "月火水木金祝"),
    ],
)
def test_weekdays_become_single_kanji_in_week_order(raw: str, out: str) -> None:
    assert value_of("weekdays", raw) == out


def test_canonical_weekdays_have_no_repairs() -> None:
    assert normalise("weekdays", "月火水木金土日").repairs == ()
    assert normalise("weekdays", "月～金").repairs == ("reformatted weekdays 月～金 as 月火水木金",)


@pytest.mark.parametrize(
    "raw",
    [
        "全日・全時間帯使用可",  # aed/komae: free text belongs in 特記事項
        "年中無休",
        "月～",
        "～金",
        "月～祝",
        "Mon-Fri",
        "第2火曜日",
        "、",
    ],
)
def test_bad_weekdays(raw: str) -> None:
    assert "day names such as 月火水木金" in expected_error("weekdays", raw)


# --------------------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw", "out"),
    [
        ("latitude", "35.689487", "35.689487"),
        ("latitude", "36.313240", "36.313240"),  # public_toilets/oyama: trailing zero kept
        ("latitude", "35.74035838", "35.74035838"),  # aed/ichikawa
        ("latitude", "34.10594", "34.10594"),  # aed/imabari
        ("longitude", "139.9252955", "139.9252955"),
        ("longitude", "132.99779", "132.99779"),
        ("latitude", "３５．６８９４８７", "35.689487"),
        ("longitude", "+139.691706", "139.691706"),
        ("latitude", "43.064310 ", "43.064310"),
        ("latitude", "20.425", "20.425"),  # 沖ノ鳥島
        ("longitude", "153.98", "153.98"),  # 南鳥島
        ("latitude", "35", "35"),
    ],
)
def test_coordinates_keep_the_publishers_digits(kind: str, raw: str, out: str) -> None:
    assert value_of(kind, raw) == out


@pytest.mark.parametrize("raw", ["35°41'22\"", "35度41分22秒", "35.41.22", "35°41.37'", "35 41 22"])
def test_degrees_minutes_seconds_is_rejected(raw: str) -> None:
    assert expected_error("latitude", raw) == (
        "decimal degrees such as 35.689487 (degrees-minutes-seconds is not accepted)"
    )


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("latitude", "50.1", "a latitude (緯度) between 20 and 46 degrees (Japan)"),
        ("latitude", "0", "a latitude (緯度) between 20 and 46 degrees (Japan)"),
        ("latitude", "-35.6", "between 20 and 46"),
        ("longitude", "35.6", "a longitude (経度) between 122 and 154 degrees (Japan)"),
        ("longitude", "160", "between 122 and 154"),
        ("latitude", "34.30,134.03", "one value per column"),  # aed/takamatsu packs both in one field
        ("latitude", ",", "decimal degrees"),  # cultural_properties/takamatsu unknown location
        ("latitude", "N35.6", "decimal degrees"),
    ],
)
def test_out_of_japan_or_malformed_coordinates_name_the_bound(kind: str, raw: str, expected: str) -> None:
    assert expected in expected_error(kind, raw)


def test_a_latitude_that_looks_like_a_longitude_hints_at_a_swap() -> None:
    assert "are 緯度 and 経度 swapped?" in expected_error("latitude", "139.7")


def test_coordinate_checks_its_axis_argument() -> None:
    with pytest.raises(ValueError, match="axis"):
        coordinate("35.6", "height")  # type: ignore[arg-type]


def test_coordinate_pair() -> None:
    assert coordinates("35.689487", "139.691706") == ("35.689487", "139.691706")
    assert coordinates("３５．６８９４８７", "+139.691706") == ("35.689487", "139.691706")
    assert coordinates(None, None) == (None, None)
    assert coordinates("", " ") == (None, None)


def test_swapped_pair_is_reported_as_swapped() -> None:
    with pytest.raises(ValueFormatError) as info:
        coordinates("139.691706", "35.689487")
    assert info.value.expected == "latitude first (緯度 ≈ 35 for Tokyo) and longitude second (経度 ≈ 139)"
    assert "139.691706" in info.value.value and "35.689487" in info.value.value


@pytest.mark.parametrize(("lat", "lon"), [("35.6", None), ("", "139.7"), ("35.6", "-")])
def test_half_a_pair_is_an_error(lat: str | None, lon: str | None) -> None:
    with pytest.raises(ValueFormatError, match="both 緯度 .latitude. and 経度 .longitude., or neither"):
        coordinates(lat, lon)


def test_pair_still_checks_each_axis() -> None:
    with pytest.raises(ValueFormatError, match="degrees-minutes-seconds"):
        coordinates("35°41'22\"", "139.7")


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("0", "0"),  # public_toilets/oyama uses 0 for none
        ("6", "6"),
        ("1,234", "1234"),
        ("1,234,567", "1234567"),
        ("１２", "12"),
        ("12.0", "12"),
        ("12.00", "12"),
        ("007", "7"),
        ("+3", "3"),
    ],
)
def test_counts(raw: str, out: str) -> None:
    assert value_of("count", raw) == out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("-1", "a count cannot be negative"),
        ("－1", "a count cannot be negative"),
        ("△1", "a count cannot be negative"),
        ("1.5", "a count has no fraction"),
        ("12,34", "thousands separators in groups of three"),
        ("2台", "a non-negative whole number"),
        ("多数", "a non-negative whole number"),
    ],
)
def test_bad_counts(raw: str, expected: str) -> None:
    assert expected in expected_error("count", raw)


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("-1", "-1"),  # 高度の値: B1
        ("1.5", "1.5"),  # mezzanine
        ("1.50", "1.50"),  # precision kept
        ("３", "3"),
        ("－２", "-2"),
        ("−2", "-2"),  # U+2212
        ("△1,000", "-1000"),  # the government's minus sign
        ("▲0.5", "-0.5"),
        ("+4", "4"),
        (".5", "0.5"),
        ("-0", "0"),
        ("0.0000001", "0.0000001"),
        ("1,234.5", "1234.5"),
    ],
)
def test_numbers(raw: str, out: str) -> None:
    assert value_of("number", raw) == out


@pytest.mark.parametrize("raw", ["1.2.3", "1e3", "abc", "1/2", "3階"])
def test_bad_numbers(raw: str) -> None:
    assert "a decimal number" in expected_error("number", raw)


# --------------------------------------------------------------------------------------
# Yes/No and flags
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("有", "有"), ("無", "無"), ("有り", "有"), ("無し", "無"), ("あり", "有"), ("なし", "無"),
        ("○", "有"), ("〇", "有"), ("◯", "有"), ("×", "無"), ("はい", "有"), ("いいえ", "無"),
        ("yes", "有"), ("No", "無"), ("TRUE", "有"), ("false", "無"), ("1", "有"), ("0", "無"),
        ("１", "有"), ("ｱﾘ", "有"),
    ],
)
def test_yes_no(raw: str, out: str) -> None:
    result = normalise("yes_no", raw)
    assert result.value == out
    assert bool(result.repairs) == (raw != out)


def test_yes_no_dash_is_blank_and_other_words_are_errors() -> None:
    assert normalise("yes_no", "－").value is None
    assert expected_error("yes_no", "一部") == (
        "有 or 無 (also accepted: あり/なし, ○/×, はい/いいえ, yes/no, true/false, 1/0)"
    )


@pytest.mark.parametrize(
    ("raw", "out", "repaired"),
    [
        ("1", "1", False),
        ("１", "1", True),
        ("○", "1", True),  # evacuation_sites/yaizu
        ("〇", "1", True),
        ("◯", "1", True),
        ("有", "1", True),
        ("true", "1", True),
        ("0", None, True),
        ("×", None, True),
        ("無", None, True),
        ("false", None, True),
        ("－", None, True),  # evacuation_sites/ishikawa-pref
        ("", None, False),
    ],
)
def test_flags_are_1_or_blank(raw: str, out: str | None, repaired: bool) -> None:
    result = normalise("flag", raw)
    assert result.value == out
    assert bool(result.repairs) == repaired


def test_conditional_flag_is_rejected() -> None:
    # evacuation_sites/takamatsu uses △ (conditionally suitable): neither yes nor no
    assert "1 for yes or blank for no" in expected_error("flag", "△")


# --------------------------------------------------------------------------------------
# Contact: phone, extension, postal code, URL, e-mail
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("03-1234-5678", "03-1234-5678"),
        ("03-3430-1141", "03-3430-1141"),  # aed/komae
        ("(047)335-1711", "(047)335-1711"),  # aed/ichikawa: parentheses form kept
        ("(0265)22-2077", "(0265)22-2077"),  # childcare/iida
        ("(076)2723695", "(076)2723695"),  # public_facilities/ishikawa-pref
        ("03(1234)5678", "03(1234)5678"),
        ("0898542606", "0898542606"),  # aed/imabari
        ("090-1234-5678", "090-1234-5678"),
        ("0120-123-456", "0120-123-456"),
        ("0570-123-456", "0570-123-456"),
        ("０３－１２３４－５６７８", "03-1234-5678"),
        ("03ー1234ー5678", "03-1234-5678"),
        ("03‐1234−5678", "03-1234-5678"),
        ("TEL 03-1234-5678", "03-1234-5678"),
        ("TEL:03-1234-5678", "03-1234-5678"),
        ("Tel.03-1234-5678", "03-1234-5678"),
        ("℡03-1234-5678", "03-1234-5678"),
        ("電話：03-1234-5678", "03-1234-5678"),
        ("電話番号 03-1234-5678", "03-1234-5678"),
        ("03 1234 5678", "03-1234-5678"),
        ("+81-3-1234-5678", "03-1234-5678"),
        ("767761900", "0767761900"),  # evacuation_sites/ishikawa-pref: leading zero lost
        ("0778-22-7463（スポーツ課）", "0778-22-7463"),  # public_facilities/echizen
        ("0778-23-6222（公益社団法人越前市スポーツ協会）", "0778-23-6222"),
    ],
)
def test_phone_numbers(raw: str, out: str) -> None:
    assert value_of("phone", raw) == out


def test_phone_repairs_are_reported() -> None:
    assert normalise("phone", "(054)626-1139").repairs == ()  # aed/yaizu
    assert normalise("phone", "0778-22-7463（スポーツ課）").repairs == (
        "full-width characters narrowed to half-width", "dropped remark (スポーツ課) after the number",
    )
    assert "restored lost leading zero: 767761900 → 0767761900" in normalise("phone", "767761900").repairs


@pytest.mark.parametrize("raw", ["なし", "―", "-", "－", "電話なし"])  # aed/komae, evacuation_sites/ishikawa-pref
def test_phone_placeholders_are_blank(raw: str) -> None:
    result = normalise("phone", raw)
    assert result.value is None
    assert result.repairs


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(047)337-8703/(047)337-8750", "one telephone number per cell (found 2)"),  # public_facilities/ichikawa
        ("03-1234-5678、03-9876-5432", "one telephone number per cell (found 2)"),
        ("03-1234-5678 03-9876-5432", "one telephone number per cell (found 2)"),
        ("03-1234-5678 内線123", "put the extension in 内線番号"),
        ("0898-23-077", "10 or 11 half-width digits starting with 0"),  # childcare/imabari: a digit missing
        ("281-0270", "10 or 11 half-width digits starting with 0"),  # a postal code in the phone column
        ("03-1234-56789", "10 or 11 half-width digits"),
        ("03--1234-5678", "10 or 11 half-width digits"),
        ("市役所へ", "10 or 11 half-width digits"),
    ],
)
def test_bad_phone_numbers(raw: str, expected: str) -> None:
    assert expected in expected_error("phone", raw)


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("00000", "00000"),
        ("１２３", "123"),
        ("内線123", "123"),
        ("2442・2421", "2442;2421"),  # aed/komae: two extensions
        ("2442、2421", "2442;2421"),
    ],
)
def test_extensions(raw: str, out: str) -> None:
    assert value_of("extension", raw) == out


def test_bad_extension() -> None:
    assert "an extension (内線番号)" in expected_error("extension", "代表へ")


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("9150876", "9150876"),
        ("7940862", "7940862"),  # aed/imabari
        ("915-0876", "9150876"),  # public_facilities/echizen
        ("272-0015", "2720015"),  # public_facilities/ichikawa
        ("〒100-0001", "1000001"),
        ("〒 100-0001", "1000001"),
        ("９１５－０８７６", "9150876"),
        ("915ー0876", "9150876"),
        ("060042", "0060042"),  # a Hokkaido code read as a number
    ],
)
def test_postal_codes(raw: str, out: str) -> None:
    assert value_of("postal_code", raw) == out


@pytest.mark.parametrize("raw", ["915-08", "12345678", "1000-001", "東京都"])
def test_bad_postal_codes(raw: str) -> None:
    assert "a 7-digit postal code (郵便番号)" in expected_error("postal_code", raw)


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("http://www.city.ichikawa.lg.jp/pub01/1211000002.html",
         "http://www.city.ichikawa.lg.jp/pub01/1211000002.html"),  # aed/ichikawa
        ("https://www.city.komae.tokyo.jp/index.cfm/42,73691,328,2043,html",
         "https://www.city.komae.tokyo.jp/index.cfm/42,73691,328,2043,html"),  # aed/komae: commas in the path
        ("https://www.city.yaizu.lg.jp/g04-003/004.html#one/two/three",
         "https://www.city.yaizu.lg.jp/g04-003/004.html#one/two/three"),
        ("ｈｔｔｐｓ：／／ｗｗｗ．ｃｉｔｙ．ｊｐ／", "https://www.city.jp/"),
        ("HTTPS://www.city.jp/", "https://www.city.jp/"),
    ],
)
def test_urls(raw: str, out: str) -> None:
    assert value_of("url", raw) == out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("www.city.ichikawa.lg.jp/higashiyama/", "a URL starting with http:// or https://"),  # ichikawa
        ("http//www.ishikawa-shizen.jp/noto/top.html", "a URL starting with http:// or https://"),
        ("ftp://example.jp/", "a URL starting with http:// or https://"),
        ("https://a.jp/ https://b.jp/", "one URL without spaces"),
        ("https://", "a URL with a host name"),
    ],
)
def test_bad_urls(raw: str, expected: str) -> None:
    assert expected in expected_error("url", raw)


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("info@city.example.lg.jp", "info@city.example.lg.jp"),
        ("ｉｎｆｏ＠ｃｉｔｙ．ｊｐ", "info@city.jp"),
        ("mailto:info@city.jp", "info@city.jp"),
        ("info(at)city.jp", "info@city.jp"),
        ("first.last+tag@sub.city.jp", "first.last+tag@sub.city.jp"),
    ],
)
def test_emails(raw: str, out: str) -> None:
    assert value_of("email", raw) == out


@pytest.mark.parametrize("raw", ["石川県", "info@city", "info@@city.jp", "@city.jp", "info city@city.jp"])
def test_bad_emails(raw: str) -> None:
    # '石川県' under 連絡先メールアドレス: evacuation_sites/ishikawa-pref's shifted contact block
    assert "an e-mail address" in expected_error("email", raw)


# --------------------------------------------------------------------------------------
# 町字ID, lists, choices
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "out", "repaired"),
    [
        ("0001000", "0001000", False),  # sheet 03 example
        ("0008-001", "0008001", True),  # sheet 13 example
        ("８-001", "0008001", True),
        ("46000", "0046000", True),  # aed/imabari (leading zeros lost)
        ("408", "0000408", True),
        ("11002", "0011002", True),  # cultural_properties/iida
        ("46000.0", "0046000", True),
    ],
)
def test_town_ids_are_seven_digits(raw: str, out: str, repaired: bool) -> None:
    result = normalise("town_id", raw)
    assert result.value == out
    assert bool(result.repairs) == repaired


@pytest.mark.parametrize("raw", ["00080011", "A008-001", "青葉町一丁目", "0008-01"])
def test_bad_town_ids(raw: str) -> None:
    assert "a 7-digit 町字ID" in expected_error("town_id", raw)


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("○○町;△△町", "○○町;△△町"),
        ("内科;外科", "内科;外科"),
        ("内科；外科", "内科;外科"),
        ("内科、外科", "内科;外科"),
        ("内科,外科", "内科;外科"),
        ("内科，外科", "内科;外科"),
        ("内科\n外科", "内科;外科"),
        ("内科\r\n外科", "内科;外科"),
        (" 内科 ; 外科 ", "内科;外科"),
        ("内科;;外科;", "内科;外科"),
        ("ｽﾛｰﾌﾟ、ＡＥＤ", "スロープ;AED"),
        ("単独", "単独"),
    ],
)
def test_lists_are_joined_with_half_width_semicolons(raw: str, out: str) -> None:
    assert value_of("list", raw) == out


def test_list_repairs() -> None:
    assert normalise("list", "内科;外科").repairs == ()
    assert normalise("list", "内科、外科").repairs == ("joined 2 items with ; (the standard's separator)",)
    assert normalise("list", "；").value is None


@pytest.mark.parametrize(
    ("raw", "out"),
    [
        ("階数", "階数"),
        (" 標高 ", "標高"),
        ("〇", "○"),  # the toilet sheet mixes U+3007 and U+25CB
        ("◯", "○"),
        ("ＣＳＶ", "CSV"),
        ("csv", "CSV"),
    ],
)
def test_choices_return_the_vocabularys_own_spelling(raw: str, out: str) -> None:
    assert value_of("choice", raw, values=["階数", "標高", "地表高", "○", "CSV"]) == out


def test_choice_outside_the_vocabulary_lists_the_allowed_values() -> None:
    assert expected_error("choice", "地下", values=["階数", "標高", "地表高"]) == "one of: 階数 / 標高 / 地表高"
