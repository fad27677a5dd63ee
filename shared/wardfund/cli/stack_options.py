"""`--local --profile --stage`, and `--by` where the audit trail records who acted: the
options that choose the stack, given to a command by one decorator.

    @stack_options
    def show(campaign_id: IdArg, *, connect: Connect) -> None:
        with command_errors():
            target = connect()
"""

from __future__ import annotations

from collections.abc import Callable

from wardfund.cli.option_groups import options_from
from wardfund.cli.options import LocalOption, ProfileOption, StageOption
from wardfund.cli.target import Target, connect

Connect = Callable[[], Target]


def _connect_without_actor(
    local: LocalOption = False, profile: ProfileOption = None, stage: StageOption = None
) -> Target:
    return connect(local, profile, stage)


stack_options = options_from(_connect_without_actor, into="connect")
stack_and_actor_options = options_from(connect, into="connect")
