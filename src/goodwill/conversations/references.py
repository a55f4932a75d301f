"""Public conversation references such as 'GW-7K2Q9M': short, unguessable, unambiguous. Pure."""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
REFERENCE_LENGTH = 8
PREFIX = "GW-"


def new_reference() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(REFERENCE_LENGTH))


def reference_for_number(number: int) -> str:
    """A deterministic reference (demo data): the number in base 31, scrambled, zero-padded."""
    scrambled = (number * 2_654_435_761) % (len(ALPHABET) ** REFERENCE_LENGTH)
    digits = []
    for _ in range(REFERENCE_LENGTH):
        scrambled, digit = divmod(scrambled, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return PREFIX + "".join(reversed(digits))
