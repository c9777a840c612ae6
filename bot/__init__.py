"""对接群助手: the Telegram bot that carries Qingdao's scenario matchmaking on after the meeting."""
