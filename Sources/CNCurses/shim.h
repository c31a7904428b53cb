// ncursesw for Swift. SwiftPM drops pkg-config's -D flags, so the wide-character
// API is switched on here, before the ncurses header is read.
#ifndef PIPETOP_CNCURSES_SHIM_H
#define PIPETOP_CNCURSES_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <wchar.h>
#include <langinfo.h>
#include <ncursesw/ncurses.h>

extern int wcwidth(wchar_t);

// Macros are not imported into Swift: wrap the ones we use.
static inline attr_t pt_a_normal(void) { return A_NORMAL; }
static inline attr_t pt_a_bold(void) { return A_BOLD; }
static inline attr_t pt_a_dim(void) { return A_DIM; }
static inline attr_t pt_a_reverse(void) { return A_REVERSE; }
static inline attr_t pt_a_underline(void) { return A_UNDERLINE; }
static inline attr_t pt_a_italic(void) { return A_ITALIC; }
static inline int pt_colors(void) { return COLORS; }
static inline int pt_color_pairs(void) { return COLOR_PAIRS; }
static inline int pt_key_resize(void) { return KEY_RESIZE; }
static inline int pt_true(void) { return TRUE; }

// The mouse: clicks, double clicks and the wheel (xterm's SGR reporting where terminfo has it).
static inline void pt_mouse_on(void) {
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(300);
}
static inline int pt_key_mouse(void) { return KEY_MOUSE; }
// 1 click, 2 double click, 3 wheel up, 4 wheel down, 0 anything else; x and y of the cell.
static inline int pt_read_mouse(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) return 0;
    *x = e.x; *y = e.y;
    if (e.bstate & BUTTON1_DOUBLE_CLICKED) return 2;
    if (e.bstate & BUTTON1_CLICKED) return 1;
    if (e.bstate & BUTTON4_PRESSED) return 3;
#ifdef BUTTON5_PRESSED
    if (e.bstate & BUTTON5_PRESSED) return 4;
#endif
    return 0;
}
static inline int pt_false(void) { return FALSE; }

// One cell of text with attributes and an extended colour pair, written at (y, x).
static inline int pt_put_cell(WINDOW *win, int y, int x, const wchar_t *text, attr_t attrs, int pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, 0, &pair) == ERR) return ERR;
    return mvwadd_wch(win, y, x, &cell);
}

static inline WINDOW *pt_stdscr(void) { return stdscr; }
static inline int pt_key_code_yes(void) { return KEY_CODE_YES; }

static inline const char *pt_codeset(void) { return nl_langinfo(CODESET); }

// A terminfo string capability of the current terminal, or NULL when it has none.
static inline const char *pt_tigetstr(const char *cap) {
    char *s = tigetstr((NCURSES_CONST char *)cap);
    return (s == NULL || s == (char *)-1) ? NULL : s;
}

#endif
