"""zhunong (助农): open platform for the public buying of farm products from the 832 counties."""
