"""The command palette's own providers (issue 12): deskui's actions by name and data by number, spelling or pinyin,
and the check of the user's keymap. Each is imported when the palette first opens (DeskApp.COMMANDS)."""
