"""The division table: the codes clerks, lanes and instances use for 收件地 and 办理地."""

from collections import Counter

from engine.regions import divisions
from engine.regions.divisions import Division


def test_hangzhou() -> None:
    assert divisions.lookup("330100") == Division("330100", "杭州市", "prefecture", "330000", "330000")
    assert divisions.name_of("330100") == "杭州市"
    assert divisions.full_name("330106") == "浙江省杭州市西湖区"


def test_municipality_districts_are_named_after_the_city() -> None:
    shanghai = divisions.lookup("310100")
    assert shanghai is not None
    assert (shanghai.name, shanghai.level, shanghai.parent_code) == ("上海市", "prefecture", "310000")
    assert divisions.name_of("110100") == "北京市"
    assert divisions.name_of("120100") == "天津市"
    assert divisions.name_of("500100") == "重庆市"
    assert divisions.name_of("500200").startswith("重庆市")
    assert divisions.full_name("310115") == "上海市浦东新区"


def test_beijing_province_and_invalid_code() -> None:
    beijing = divisions.lookup("110000")
    assert beijing is not None and beijing.name == "北京市" and beijing.level == "province"
    assert beijing.parent_code is None
    assert divisions.is_valid("110000")
    assert not divisions.is_valid("999999")
    assert divisions.lookup("999999") is None
    assert not divisions.is_valid("33010")
    assert not divisions.is_valid(330100)  # type: ignore[arg-type]


def test_unknown_codes_display_as_themselves() -> None:
    assert divisions.name_of("999999") == "999999"
    assert divisions.full_name("330104") == "330104"  # 江干区, abolished in 2021


def test_all_34_provincial_divisions() -> None:
    provinces = {d.code: d.name for d in divisions.all_divisions() if d.level == "province"}
    assert len(provinces) == 34
    assert provinces["710000"] == "台湾省"
    assert provinces["810000"] == "香港特别行政区"
    assert provinces["820000"] == "澳门特别行政区"
    assert provinces["650000"] == "新疆维吾尔自治区"


def test_prefecture_level_divisions() -> None:
    municipal = {"110100", "120100", "310100", "500100", "500200"}
    prefectures = [d for d in divisions.all_divisions() if d.level == "prefecture" and d.code not in municipal]
    # 293 地级市, 30 自治州, 7 地区, 3 盟 (GB/T 2260 since 莱芜 joined 济南 in 2019)
    assert len(prefectures) == 333
    kinds = Counter(
        "盟"
        if d.name.endswith("盟")
        else "地区"
        if d.name.endswith("地区")
        else "自治州"
        if d.name.endswith("州")
        else "市"
        for d in prefectures
    )
    assert kinds == {"市": 293, "自治州": 30, "地区": 7, "盟": 3}
    assert not divisions.is_valid("371200")  # 莱芜市
    assert divisions.name_of("152900") == "阿拉善盟"
    assert divisions.name_of("653200") == "和田地区"


def test_children() -> None:
    zhejiang = divisions.children("330000")
    assert len(zhejiang) == 11 and zhejiang[0].name == "杭州市"
    assert [d.code for d in divisions.children("110000")] == ["110100"]
    assert "朝阳区" in {d.name for d in divisions.children("110100")}
    hubei = {d.code: d for d in divisions.children("420000")}
    assert hubei["429004"].name == "仙桃市" and hubei["429004"].level == "county"  # 省直辖县级市
    assert divisions.children("810000") == ()
    assert divisions.children("330106") == ()
    assert divisions.children("999999") == ()


def test_table_is_consistent() -> None:
    everything = divisions.all_divisions()
    codes = [d.code for d in everything]
    assert codes == sorted(set(codes))
    for d in everything:
        assert len(d.code) == 6 and d.code.isdigit() and d.name
        assert d.province_code == d.code[:2] + "0000"
        if d.parent_code is not None:
            parent = divisions.lookup(d.parent_code)
            assert parent is not None and d in divisions.children(parent.code)
    assert not any(d.code.endswith("9000") and d.level == "prefecture" for d in everything)  # no grouping codes
    assert divisions.table_date() >= "2026-01-01"
