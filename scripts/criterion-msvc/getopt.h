/* getopt and getopt_long for Criterion built in the MSVC ABI (winshm's
 * scripts/build-criterion-mingw.sh, ABI=msvc): the C runtime of that ABI
 * has none, and Criterion's own MSVC route fetches a submodule that Debian's
 * source package does not carry. What Criterion's params.c uses, nothing
 * more: short options with ':' for a required argument, and long options
 * "--name", "--name=value", and "--name value" for required arguments.
 * Arguments are not permuted: parsing stops at the first non-option. */
#ifndef WINSHM_CRITERION_GETOPT_H
#define WINSHM_CRITERION_GETOPT_H
#include <stdio.h>
#include <string.h>

#define no_argument       0
#define required_argument 1
#define optional_argument 2

struct option {
    const char *name;
    int has_arg;
    int *flag;
    int val;
};

static char *optarg;
static int optind = 1, opterr = 1, optopt;
static int getopt_next_char; /* within a cluster of short options: -ab */

static int getopt_long_option(int argc, char *const argv[], const struct option *options, int *index)
{
    const char *name = argv[optind] + 2;
    const char *equals = strchr(name, '=');
    size_t length = equals ? (size_t) (equals - name) : strlen(name);
    int i;
    ++optind;
    for (i = 0; options[i].name; ++i) {
        if (strlen(options[i].name) != length || strncmp(options[i].name, name, length) != 0)
            continue;
        if (index)
            *index = i;
        optarg = NULL;
        if (equals) {
            if (options[i].has_arg == no_argument) {
                if (opterr)
                    fprintf(stderr, "%s: option '--%s' takes no argument\n", argv[0], options[i].name);
                optopt = options[i].val;
                return '?';
            }
            optarg = (char *) equals + 1;
        } else if (options[i].has_arg == required_argument) {
            if (optind >= argc) {
                if (opterr)
                    fprintf(stderr, "%s: option '--%s' needs an argument\n", argv[0], options[i].name);
                optopt = options[i].val;
                return '?';
            }
            optarg = argv[optind++];
        }
        if (options[i].flag) {
            *options[i].flag = options[i].val;
            return 0;
        }
        return options[i].val;
    }
    if (opterr)
        fprintf(stderr, "%s: unknown option '%s'\n", argv[0], argv[optind - 1]);
    optopt = 0;
    return '?';
}

static int getopt_long(int argc, char *const argv[], const char *shorts, const struct option *options, int *index)
{
    const char *spec;
    int c;
    optarg = NULL;
    if (!getopt_next_char) {
        if (optind >= argc || argv[optind][0] != '-' || argv[optind][1] == 0)
            return -1;
        if (strcmp(argv[optind], "--") == 0) {
            ++optind;
            return -1;
        }
        if (argv[optind][1] == '-')
            return options ? getopt_long_option(argc, argv, options, index) : '?';
        getopt_next_char = 1;
    }
    c = (unsigned char) argv[optind][getopt_next_char++];
    spec = c == ':' ? NULL : strchr(shorts, c);
    if (!spec) {
        if (opterr)
            fprintf(stderr, "%s: unknown option '-%c'\n", argv[0], c);
        optopt = c;
        c = '?';
    } else if (spec[1] == ':') {
        if (argv[optind][getopt_next_char]) {
            optarg = argv[optind] + getopt_next_char;
        } else if (optind + 1 < argc) {
            optarg = argv[++optind];
        } else {
            if (opterr)
                fprintf(stderr, "%s: option '-%c' needs an argument\n", argv[0], c);
            optopt = c;
            c = '?';
        }
        getopt_next_char = 0;
        ++optind;
        return c;
    }
    if (!argv[optind][getopt_next_char]) {
        getopt_next_char = 0;
        ++optind;
    }
    return c;
}

static int getopt(int argc, char *const argv[], const char *shorts)
{
    return getopt_long(argc, argv, shorts, NULL, NULL);
}
#endif
