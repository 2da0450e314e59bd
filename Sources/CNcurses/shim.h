/* CNcurses: the wide-character ncurses API as Swift can import it.
 * Swift cannot import function-like macros (COLOR_PAIR, getmaxyx, KEY_F, the A_*
 * attributes built from NCURSES_BITS), nor call variadic functions safely, so this
 * header wraps what NcursesBackend needs in static inline functions. Never printw. */
#ifndef CMSCERTS_CNCURSES_SHIM_H
#define CMSCERTS_CNCURSES_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <wchar.h>
#include <signal.h>
#if __has_include(<ncursesw/ncurses.h>)
#include <ncursesw/ncurses.h>
#else
#include <ncurses.h>
#endif

static inline WINDOW *cms_stdscr(void) { return stdscr; }

/* setlocale(LC_ALL, "") so that ncurses speaks UTF-8; must run before initscr. */
static inline void cms_setlocale_from_environment(void) { setlocale(LC_ALL, ""); }

/* 1 when the terminal can put the cursor anywhere (terminfo "cup"): TERM=dumb cannot. After newterm. */
static inline int cms_has_cursor_addressing(void) {
    const char *cup = tigetstr("cup");
    return cup != NULL && cup != (const char *)-1;
}

static inline int cms_getmaxy(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)x; return y; }
static inline int cms_getmaxx(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)y; return x; }

static inline int cms_colors(void) { return COLORS; }
static inline int cms_color_pairs(void) { return COLOR_PAIRS; }
static inline int cms_color_pair(int n) { return (int)COLOR_PAIR(n); }

static inline attr_t cms_a_normal(void) { return A_NORMAL; }
static inline attr_t cms_a_bold(void) { return A_BOLD; }
static inline attr_t cms_a_reverse(void) { return A_REVERSE; }
static inline attr_t cms_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cms_a_dim(void) { return A_DIM; }

static inline int cms_key_f(int n) { return KEY_F(n); }

/* One screen cell: a spacing character plus up to CCHARW_MAX-1 combining characters,
 * with attributes and a colour pair, put at (y, x) without moving the logical cursor. */
static inline int cms_put_cell(WINDOW *w, int y, int x, const wchar_t *chars, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, chars, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(w, y, x, &cell);
}

static inline int cms_ccharw_max(void) { return CCHARW_MAX; }

static inline int cms_get_wch(WINDOW *w, wint_t *ch) { return wget_wch(w, ch); }

/* Put the terminal back as it was: safe to call when initscr never ran or twice. */
static inline void cms_endwin_if_needed(void) { if (stdscr != NULL && !isendwin()) endwin(); }

#endif
