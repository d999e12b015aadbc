"""The main window's parts: menus and tool bars by role, its tools, moving between panes, the
seal notice, sync on a replica."""
