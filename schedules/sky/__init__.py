"""The sky and the night at an observatory (DESIGN §12): sites, the Sun and the Moon, computed
dark periods and computed visibility windows, with astropy and no network."""
