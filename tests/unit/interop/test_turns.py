"""Turn-level reading: speaker lines, joins, leading/trailing turns, and the characters of each."""
from psyllm.interop.turns import CLIENT, COUNSELOR, Parsed, Speakers, Turn, speaker_text, to_rounds

ZH = Speakers(["来访者", "求助者"], ["心理咨询师", "支持者"])


def test_speaker_lines_full_and_half_width_colons_and_continuations():
    parsed = speaker_text("来访者：第一行\n第二行，没有前缀\n\n心理咨询师: 回应\n来访者:再说一句\n", ZH)
    assert [(t.role, t.text) for t in parsed.turns] == [
        (CLIENT, "第一行\n第二行，没有前缀"), (COUNSELOR, "回应"), (CLIENT, "再说一句")]
    assert parsed.turns[0].chars == len("第一行") + len("第二行，没有前缀") and not parsed.dropped


def test_an_unknown_speaker_is_dropped_with_its_reason_not_glued_to_the_last_turn():
    items = ["求助者：我睡不着。", "督导：这段不是对话。", "督导：这段也不是。", "支持者：多久了？", "比如：这一行只是内容"]
    parsed = speaker_text(items, ZH)
    assert [t.text for t in parsed.turns] == ["我睡不着。", "多久了？\n比如：这一行只是内容"]  # a one-off prefix is text
    assert parsed.dropped == {"unknown_speaker": len("这段不是对话。") + len("这段也不是。")}


def test_text_before_any_speaker_is_dropped():
    parsed = speaker_text("咨询记录 2021\n来访者：你好\n心理咨询师：你好", ZH)
    assert parsed.dropped == {"no_speaker": len("咨询记录 2021")} and len(parsed.turns) == 2


def test_rounds_join_consecutive_turns_and_account_for_leading_and_trailing_ones():
    turns = [Turn(COUNSELOR, "Hello!"), Turn(CLIENT, "hi"), Turn(CLIENT, "I'm sad"), Turn(COUNSELOR, "I hear you."),
             Turn(COUNSELOR, "What happened?", annotations=[{"strategy": "Question"}]), Turn(CLIENT, "bye"),
             Turn(CLIENT, "   ")]
    parsed = Parsed(turns)
    rounds = to_rounds(parsed)
    [(client, counselor)] = rounds.pairs
    assert client.text == "hi\nI'm sad" and counselor.text == "I hear you.\nWhat happened?"
    assert counselor.annotations == [{"strategy": "Question"}]
    assert rounds.dropped == {"leading_counselor_turn": 6, "trailing_client_turn": 3, "empty_turn": 3}
    assert parsed.input_chars == rounds.imported + sum(rounds.dropped.values())
