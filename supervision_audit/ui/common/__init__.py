"""What every part of the window shares: styles and the theme, icons, message boxes, accessible
names, fitting the screen, per-user settings and work in the background."""
