"""Administrative divisions from jionlp's bundled dictionary."""
from __future__ import annotations

import subprocess
import sys

import pytest

from policykg.extract import regions
from policykg.extract.regions import all_names, lookup, parents, plan_level


@pytest.mark.parametrize(
    "name, within, full, level, parent, province",
    [
        ("青浦区", None, "青浦区", "county", "上海市", "上海市"),
        ("青浦", None, "青浦区", "county", "上海市", "上海市"),
        ("上海市", None, "上海市", "municipality", None, "上海市"),
        ("上海", None, "上海市", "municipality", None, "上海市"),
        ("浙江省", None, "浙江省", "province", None, "浙江省"),
        ("浙江", None, "浙江省", "province", None, "浙江省"),
        ("吴江", None, "吴江区", "county", "苏州市", "江苏省"),
        ("杭州市", None, "杭州市", "city", "浙江省", "浙江省"),
        ("宝山区", "上海市", "宝山区", "county", "上海市", "上海市"),
        ("宝山", "上海", "宝山区", "county", "上海市", "上海市"),
        ("普陀区", "浙江省", "普陀区", "county", "舟山市", "浙江省"),
        ("仙桃市", None, "仙桃市", "county", "湖北省", "湖北省"),  # province-administered
        ("重庆", None, "重庆市", "municipality", None, "重庆市"),
        ("徐泾镇", None, "徐泾镇", "town", "青浦区", "上海市"),
    ],
)
def test_lookup(name, within, full, level, parent, province):
    r = lookup(name, within=within)
    assert r is not None
    assert (r.name, r.level, r.parent, r.province) == (full, level, parent, province)


def test_ambiguous_names_need_context():
    assert lookup("宝山区") is None  # 上海市 and 双鸭山市 both have one
    assert lookup("宝山区", within="黑龙江省").parent == "双鸭山市"
    assert lookup("普陀区", within="上海市").code == "310107"
    assert lookup("城关镇") is None
    assert lookup("不存在的地方") is None and lookup("") is None


def test_full_name_beats_alias():
    assert lookup("吉林市").level == "city"
    assert lookup("吉林省").level == "province"


def test_parents_and_codes():
    qingpu = lookup("青浦区")
    assert qingpu.code == "310118"
    assert [p.name for p in parents(qingpu)] == ["上海市"]
    assert [p.name for p in parents(lookup("长兴县"))] == ["湖州市", "浙江省"]
    assert [p.name for p in parents(lookup("徐泾镇"))] == ["青浦区", "上海市"]
    assert parents(lookup("上海市")) == []


def test_plan_level():
    assert plan_level(lookup("浙江省")) == "province"
    assert plan_level(lookup("广西壮族自治区")) == "province"
    assert plan_level(lookup("上海市")) == "municipality"
    assert plan_level(lookup("杭州市")) == "municipality"
    assert plan_level(lookup("青浦区")) == "district"
    assert plan_level(lookup("长兴县")) == "district"
    assert plan_level(lookup("义乌市")) == "district"  # county-level city


def test_all_names_and_provinces():
    names = all_names()
    assert {"青浦区", "青浦", "上海", "浙江省", "徐泾镇"} <= names.keys()
    assert len(names["宝山区"]) == 2
    assert "省直辖行政区划" not in names and "市直辖行政区划" not in names
    assert "徐泾镇" not in all_names(towns=False)
    assert len(regions.provinces()) == 34


def test_find_in_text():
    found = regions.find_in("上海市宝山区卫生健康委员会")
    assert [r.name for r in found] == ["上海市", "宝山区"]
    assert found[1].code == "310113"


def test_nothing_reaches_stdout():
    code = (
        "from policykg.extract import regions; regions.lookup('青浦区'); regions.lookup('徐泾镇');"
        "import jionlp"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == ""
