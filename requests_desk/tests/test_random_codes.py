"""Tracking codes, reporter secrets and SMS codes: drawn by requests_desk.models.random_code, one
number from the system's secure randomness written in the alphabet's base."""

from collections import Counter

from requests_desk import mine, proof
from requests_desk.models import CODE_ALPHABET, CODE_LENGTH, new_tracking_code, random_code


def test_a_tracking_code_and_a_secret_are_of_the_readable_alphabet():
    code, secret = new_tracking_code(), proof.new_secret()
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert len(secret) == proof.SECRET_LENGTH and set(secret) <= set(CODE_ALPHABET)


def test_an_sms_code_is_digits_with_its_leading_zeros():
    codes = [random_code(mine.CODE_DIGITS, "0123456789") for _ in range(2000)]
    assert all(len(c) == mine.CODE_DIGITS and c.isdigit() for c in codes)
    # One in ten begins with 0: a number written without its leading zeros would be shorter.
    assert any(c.startswith("0") for c in codes)


def test_every_position_takes_every_character_about_equally():
    """Each position is uniform over the alphabet (a draw that favoured some characters, or
    left the last positions to the number's high digits only, would show here)."""
    draws = 31 * 400
    codes = [random_code(CODE_LENGTH) for _ in range(draws)]
    assert len(set(codes)) == draws
    for position in range(CODE_LENGTH):
        counts = Counter(code[position] for code in codes)
        assert set(counts) == set(CODE_ALPHABET), position
        # 400 expected per character; ±35 % is seven standard deviations (σ = 19.7).
        assert all(260 <= n <= 540 for n in counts.values()), (position, counts)
