from psyllm.text.hygiene import clean_text, normalized_key


def test_nfc_and_invisible_characters():
    decomposed = "cafe\u0301"
    assert clean_text(decomposed) == "café"
    assert clean_text("a\u200bb\u202ec\u2066d\ufeff") == "abcd"


def test_mojibake_is_repaired():
    assert clean_text("Iâ€™m fine") == "I'm fine"  # ftfy also straightens curly quotes


def test_replacement_characters_dropped_when_repairing():
    assert clean_text("bad \ufffd bytes") == "bad bytes"


def test_whitespace_and_entities():
    assert clean_text("  a   b \r\n\r\n\r\n c &amp; d ") == "a b\n\nc & d"


def test_normalized_key_ignores_case_and_punctuation():
    assert normalized_key("Hello, World!!") == normalized_key("hello world")


def test_cjk_punctuation_is_kept_and_full_width_digits_become_ascii():
    assert clean_text("我很累，怎么办？电话１３８００１３８０００") == "我很累，怎么办？电话13800138000"
