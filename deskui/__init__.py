"""deskui: the front desk of a property-management customer-service centre, in the terminal."""
