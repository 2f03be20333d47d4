"""What the EN store of the prepared data (the demo plus WooCommerce's sample catalog) carries,
as its shop shows it after a first sync."""

SHOP_CATEGORIES = {
    # the demo's tree
    "Clothing",
    "Clothing > T-shirts",
    "Clothing > Hoodies",
    "Accessories",
    "Home",
    # added by the sample file (grouped and external rows are not imported: no "Decor")
    "Clothing > Tshirts",
    "Clothing > Accessories",
    "Music",
}
SHOP_TERMS = {
    "Colour": {"Red", "Green", "Blue"},
    "Size": {"S", "M", "L", "Large", "Medium", "Small"},
    "Color": {"Blue", "Green", "Red", "Gray", "Yellow"},
    "Logo": {"Yes", "No"},
}
DEMO_SKUS = {"demo-tshirt", "demo-hoodie", "demo-tote", "demo-beanie", "demo-mug", "demo-candle"}
SAMPLE_SKUS = {
    "woo-vneck-tee",
    "woo-hoodie",
    "woo-hoodie-with-logo",
    "woo-tshirt",
    "woo-beanie",
    "woo-belt",
    "woo-cap",
    "woo-sunglasses",
    "woo-hoodie-with-pocket",
    "woo-hoodie-with-zipper",
    "woo-long-sleeve-tee",
    "woo-polo",
    "woo-album",
    "woo-single",
    "Woo-tshirt-logo",
    "Woo-beanie-logo",
}
VARIATION_SKUS = {
    "demo-tshirt-red-s",
    "demo-tshirt-red-m",
    "demo-tshirt-blue-m",
    "demo-tshirt-green",
    "demo-hoodie-red-m",
    "demo-hoodie-blue-l",
    "woo-vneck-tee-red",
    "woo-vneck-tee-green",
    "woo-vneck-tee-blue",
    "woo-hoodie-red",
    "woo-hoodie-green",
    "woo-hoodie-blue",
    "woo-hoodie-blue-logo",
}
RELATED = {
    "demo-beanie": ("cross_sell_ids", "demo-tote"),
    "demo-candle": ("upsell_ids", "demo-mug"),
}
"""Products offering another as a cross-sell or upsell (the demo's data). In the first cycle the
offered product has no store id yet, so the list goes out without it (a null there would make
WooCommerce refuse the step); its id report marks the offering product, which the second cycle
sends again, complete. Only the third cycle sends nothing."""
