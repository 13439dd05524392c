// Light, dark, or the OS's choice (the default), remembered in this browser.

export type Theme = "system" | "light" | "dark";
const KEY = "hookscope.theme";

export function storedTheme(): Theme {
  const value = window.localStorage.getItem(KEY);
  return value === "light" || value === "dark" ? value : "system";
}

export function applyTheme(theme: Theme): void {
  window.localStorage.setItem(KEY, theme);
  const root = document.documentElement;
  if (theme === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", theme);
}
