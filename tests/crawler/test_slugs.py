import pytest

from crawler.archive.slugs import SlugRegistry, pinyin_slug, safe_slug
from tests.support import SAMPLES


def archive_slugs():
    lines = (SAMPLES / "category-names.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [tuple(line.split("\t")) for line in lines]


@pytest.mark.parametrize("media, slug", archive_slugs())
def test_new_slugs_match_the_archive(media, slug):
    assert pinyin_slug(media) == slug


def test_non_chinese_characters_are_kept():
    assert pinyin_slug("安信国际证券(香港)") == "anxinguojizhengquan(xianggang)"
    assert pinyin_slug("Wind") == "Wind"


def test_registered_slug_wins_and_survives(tmp_path):
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "categories.yml").write_text("重庆晨报: chongqingchenbao\n", encoding="utf-8")
    reg = SlugRegistry(tmp_path)
    assert reg.slug("重庆晨报") == "chongqingchenbao"
    assert reg.save() is False
    assert reg.slug("新报") == "xinbao"
    assert reg.save() is True
    again = SlugRegistry(tmp_path)
    assert again.items() == {"重庆晨报": "chongqingchenbao", "新报": "xinbao"}


@pytest.mark.parametrize("media, slug", [
    ("../../evil", "evil"), ("AC/DC 财经", "ACDC caijing"), ("Bloomberg: Asia #1", "Bloomberg Asia 1"),
    ("Wall Street  Journal", "Wall Street Journal"), ("安信国际证券(香港)", "anxinguojizhengquan(xianggang)"),
    ("???", ""), ("...", ""),
])
def test_new_slugs_keep_only_path_url_and_yaml_safe_characters(media, slug):
    assert safe_slug(media) == slug


def test_a_name_with_no_safe_character_gets_no_slug_and_is_not_registered(tmp_path):
    reg = SlugRegistry(tmp_path)
    assert reg.slug("???") == ""
    assert reg.save() is False
