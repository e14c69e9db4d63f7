/* A timing driver for moocore's non-dominated sorting, which its `ndsort` tool does not time.
   Build against a moocore checkout (bench/pareto.ts does this when MOOCORE_SRC is set):
     cc -O3 -march=native -DNDEBUG -I$MOOCORE_SRC -o moocore_ndsort moocore_ndsort.c \
        $MOOCORE_SRC/pareto.c -lm
   Usage: moocore_ndsort ndsort -v FILE   (whitespace-separated points, one per line; blank and
   '#' lines skipped). Prints the 0-based rank of each point, then '# Time: <s> seconds' for the
   pareto_rank() call alone, as moocore's tools print their kernel time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "nondominated.h"

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 4 || strcmp(argv[1], "ndsort") != 0) {
        fprintf(stderr, "usage: %s ndsort -v FILE\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[3], "r");
    if (!in) { perror(argv[3]); return 1; }
    size_t cap = 1 << 16, len = 0;
    double *vals = malloc(cap * sizeof *vals);
    int dim = 0;
    char line[65536];
    while (fgets(line, sizeof line, in)) {
        if (line[0] == '#') continue;
        int k = 0;
        char *s = line, *end;
        for (;;) {
            double v = strtod(s, &end);
            if (end == s) break;
            if (len == cap) { cap *= 2; vals = realloc(vals, cap * sizeof *vals); }
            vals[len++] = v;
            k++;
            s = end;
        }
        if (k == 0) continue;
        if (dim == 0) dim = k;
        else if (k != dim) { fprintf(stderr, "%s: ragged row\n", argv[3]); return 1; }
    }
    fclose(in);
    size_t n = dim ? len / (size_t) dim : 0;
    int *rank = malloc((n ? n : 1) * sizeof *rank);
    double t0 = seconds();
    pareto_rank(rank, vals, n, (dimension_t) dim);
    double t = seconds() - t0;
    for (size_t i = 0; i < n; i++) printf("%d\n", rank[i]);
    printf("# Time: %f seconds\n", t);
    free(rank);
    free(vals);
    return 0;
}
