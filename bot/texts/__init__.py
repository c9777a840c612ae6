"""Every Chinese text the bot shows, in one package, so wording is reviewed apart from logic.

One module per concern, each naming what it offers in ``__all__``; all of it is re-exported here, so a
caller writes ``texts.need_card`` wherever it lives. The refusals below stay here until ``refusals.py``
takes them."""

from __future__ import annotations

from bot.texts.buttons import *  # noqa: F403
from bot.texts.cards import *  # noqa: F403
from bot.texts.commands import *  # noqa: F403
from bot.texts.commitments import *  # noqa: F403
from bot.texts.directory import *  # noqa: F403
from bot.texts.exports import *  # noqa: F403
from bot.texts.format import *  # noqa: F403
from bot.texts.lists import *  # noqa: F403
from bot.texts.names import *  # noqa: F403
from bot.texts.notices import *  # noqa: F403
from bot.texts.reports import *  # noqa: F403

# --- refusals ------------------------------------------------------------------------------

NOT_ADMIN = "抱歉，这个命令仅限管理员使用。"
GROUP_ONLY = "请在对接群中使用这个命令。"
NEED_NOT_FOUND = "本群没有这个编号的需求，请用 /needs 查看。"
COMMITMENT_NOT_FOUND = "本群没有这个编号的承诺。"
PARTY_UNKNOWN = "名录中没有找到这个单位，请用 /parties 查看 id 和名称。"
PARTY_MISSING = "请写明单位的 id 或名称，例如 transport 或 交通运输局。"
NOT_ROUTED = "只有被分派单位的联络员可以这样操作；如需加入，请发送 /join 单位名称。"
NOT_BOUND = "您还没有绑定单位，承诺需要由部门联络员作出。请发送 /join 单位名称 申请绑定。"
ALREADY_CLAIMED = "您的单位已经认领过这条需求。"
NEED_RESOLVED = "这条需求已经解决。"
NOT_AUTHOR = "只有提出需求的企业或管理员可以标记解决。"
ALREADY_RESOLVED = "这条需求此前已标记为解决。"
ALREADY_DONE = "这条承诺已经兑现、撤回或正在等待确认。"
COMMITMENT_CANCELLED = "这条承诺已经撤回。"
NOT_CONFIRMER = "只有提出需求的企业或管理员可以确认兑现。"
NOT_RECORDER = "只有管理员、提出需求的企业或已绑定单位的联络员可以记录成果。"
ALREADY_RECORDED = "这条成果已经记录过了。"
NOT_COMMITMENT_OWNER = "只有作出承诺的单位联络员或管理员可以操作这条承诺。"
SAME_PARTY = "需求已由这个单位负责，无需变更。"
ALREADY_BOUND = "您已经绑定在这个单位。"
ALREADY_PENDING = "您的申请正在等待管理员审核。"
ALREADY_DECIDED = "这个申请已经处理过了。"
NOT_COMPLETED = "操作未完成，请稍后再试。"  # a refusal without words of its own
