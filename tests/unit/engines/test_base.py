from psyllm.engines import split_reasoning


def test_split_reasoning_with_and_without_the_opening_tag():
    assert split_reasoning("<think>a b</think>\n\nreply") == ("a b", "reply")
    assert split_reasoning("a b</think>reply") == ("a b", "reply")
    assert split_reasoning("just a reply") == (None, "just a reply")
