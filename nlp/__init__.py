"""Chinese text understanding for the bot: segmentation, need detection, routing, due dates."""
