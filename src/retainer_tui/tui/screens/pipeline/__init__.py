"""The prospect pipeline's screens: the board (`board.PipelineScreen`), its table, the
forms that move a prospect through the stages, and the proposal email."""
