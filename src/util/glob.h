/* glob.h - shell-style pattern matching for filters and path globs.
 *
 * Patterns: '*' any run of characters, '?' one character, '[abc]', '[a-z]',
 * '[!x]' / '[^x]' classes, '\' escapes the next character. In path mode
 * ('/' separated), '*' and '?' do not cross '/', and '**' as a whole segment
 * matches any number of segments (including none): "**" + "/x.json",
 * "logs/" + "**", "a/" + "**" + "/b". Characters are bytes; matching is exact
 * unless CW_GLOB_ICASE. */
#ifndef CW_GLOB_H
#define CW_GLOB_H
#include <stdbool.h>

enum { CW_GLOB_PATH = 1, CW_GLOB_ICASE = 2 };

bool cw_fnglob_match(const char *pattern, const char *s, int flags);
/* NULL when the pattern is well formed, else what is wrong with it
 * (an unclosed '[' or a trailing '\'). */
const char *cw_fnglob_check(const char *pattern);
/* True when the pattern has any of * ? [ (a plain string matches only itself). */
bool cw_fnglob_is_pattern(const char *pattern);
#endif
