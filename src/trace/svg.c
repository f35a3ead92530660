/* The report's charts as SVG: cores and GPUs in use over time, stacked by
 * set (as the paper's Figs. 3-5), and a Gantt chart per node with a lane
 * per core.  Usage is integrated exactly into fixed time bins, so the cost
 * is O(slices + sets x bins) whatever the length of the run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define WIDTH 1000
#define LEFT 80
#define RIGHT 20
#define PLOT (WIDTH - LEFT - RIGHT)
#define BINS 500
#define USAGE_HEIGHT 170
#define GANTT_NODES 32   /* nodes drawn; the rest are named in a note */
#define TIPS_UP_TO 20000 /* slices with a hover title; more make files huge */

static double x_of(const report_t *r, double t)
{
    return LEFT + (r->end > 0 ? t / r->end : 0) * PLOT;
}

/* A round step giving about `target` ticks over range. */
static double tick_step(double range, int target)
{
    double raw = range / target, mag = pow(10, floor(log10(raw))), f = raw / mag;

    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void time_axis(FILE *f, const report_t *r, int y)
{
    double step = r->end > 0 ? tick_step(r->end, 8) : 1;

    fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", LEFT,
            y, LEFT + PLOT, y);
    for (double t = 0; t <= r->end * (1 + 1e-9) && r->end > 0; t += step)
        fprintf(f,
                "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%g"
                "</text>\n",
                x_of(r, t), y + 14, t);
    fprintf(f,
            "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">time (s)"
            "</text>\n",
            LEFT + PLOT, y + 28);
}

/* Average units in use per bin and colour group: an exact integral, with a
 * difference array for the bins a slice covers whole. */
static void integrate(const report_t *r, bool gpus, double use[][BINS])
{
    double width = r->end > 0 ? r->end / BINS : 1;
    double diff[REPORT_COLOURS + 1][BINS + 1];

    memset(diff, 0, sizeof(diff));
    for (size_t i = 0; i < r->nslices; i++) {
        const rslice_t *s = &r->slices[i];
        double amount = gpus ? s->gpus : s->cores;
        int g = r->group[s->set];
        int b0 = (int)(s->start / width), b1 = (int)(s->end / width);

        if (amount == 0 || s->end <= s->start)
            continue;
        b0 = b0 < BINS ? b0 : BINS - 1;
        b1 = b1 < BINS ? b1 : BINS - 1;
        if (b0 == b1) {
            use[g][b0] += amount * (s->end - s->start);
            continue;
        }
        use[g][b0] += amount * ((b0 + 1) * width - s->start);
        use[g][b1] += amount * (s->end - b1 * width);
        diff[g][b0 + 1] += amount * width;
        diff[g][b1] -= amount * width;
    }
    for (int g = 0; g <= REPORT_COLOURS; g++) {
        double run = 0;
        for (int b = 0; b < BINS; b++) {
            run += diff[g][b];
            use[g][b] = (use[g][b] + run) / width;
        }
    }
}

static int usage_chart(FILE *f, const report_t *r, int y0, bool gpus)
{
    long capacity = gpus ? hf_platform_total_gpus(&r->platform)
                         : hf_platform_total_cores(&r->platform);
    const char *what = gpus ? "GPUs" : "cores";
    double(*use)[BINS] = calloc(REPORT_COLOURS + 1, sizeof(*use));
    double below[BINS] = {0};
    double bin_w = (double)PLOT / BINS;
    int top = y0 + 24, bottom = top + USAGE_HEIGHT;

    fprintf(f,
            "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s in use "
            "(of %ld)</text>\n",
            LEFT, y0 + 14, gpus ? "GPUs" : "Cores", capacity);
    if (capacity == 0 || !use) {
        fprintf(f,
                "<text x=\"%d\" y=\"%d\" font-size=\"12\">no %s on this platform"
                "</text>\n",
                LEFT, y0 + 40, what);
        free(use);
        return 56;
    }
    integrate(r, gpus, use);
    for (int g = 0; g <= REPORT_COLOURS; g++) {
        fprintf(f, "<path fill=\"%s\" d=\"M%d,%d", report_colour(g), LEFT, bottom);
        for (int b = 0; b < BINS; b++) {
            double y = bottom - (below[b] + use[g][b]) / capacity * USAGE_HEIGHT;
            fprintf(f, " L%.1f,%.1f L%.1f,%.1f", LEFT + b * bin_w, y,
                    LEFT + (b + 1) * bin_w, y);
        }
        for (int b = BINS - 1; b >= 0; b--) {
            double y = bottom - below[b] / capacity * USAGE_HEIGHT;
            fprintf(f, " L%.1f,%.1f L%.1f,%.1f", LEFT + (b + 1) * bin_w, y,
                    LEFT + b * bin_w, y);
        }
        fputs(" Z\"/>\n", f);
        for (int b = 0; b < BINS; b++)
            below[b] += use[g][b];
    }
    for (int pct = 0; pct <= 100; pct += 50) {
        double y = bottom - pct / 100.0 * USAGE_HEIGHT;
        fprintf(
            f,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ccc\"/>\n"
            "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%d%% (%ld)"
            "</text>\n",
            LEFT, y, LEFT + PLOT, y, LEFT - 4, y + 4, pct,
            (long)lround(capacity * pct / 100.0));
    }
    time_axis(f, r, bottom);
    free(use);
    return bottom - y0 + 40;
}

static int gantt(FILE *f, const report_t *r, int y0)
{
    int nodes = r->platform.nodes < GANTT_NODES ? r->platform.nodes : GANTT_NODES;
    int cores = r->platform.cores_per_node;
    /* About 96 px a node, within 0.5 and 20 px a lane. */
    double lane = fmin(20.0, fmax(0.5, 96.0 / cores));
    double block = cores * lane + 6;
    int top = y0 + 24;
    bool tips = r->nslices <= TIPS_UP_TO;

    fprintf(f,
            "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">Tasks per "
            "node (a lane per core)</text>\n",
            LEFT, y0 + 14);
    for (int n = 0; n < nodes; n++) {
        double y = top + n * block;
        fprintf(
            f,
            "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"#f4f4f4\"/>"
            "\n<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">node %d"
            "</text>\n",
            LEFT, y, PLOT, cores * lane, LEFT - 4, y + cores * lane / 2 + 4, n);
    }
    for (size_t i = 0; i < r->nslices; i++) {
        const rslice_t *s = &r->slices[i];
        double x = x_of(r, s->start), w = fmax(0.5, x_of(r, s->end) - x);
        double y = top + s->node * block + s->core * lane;
        double h = fmax(lane, fmin(s->cores, (double)cores - s->core) * lane);

        if ((int)s->node >= nodes)
            continue;
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                "stroke=\"#fff\" stroke-width=\"0.3\">",
                x, y, w, h, report_colour(r->group[s->set]));
        if (tips) {
            fputs("<title>", f);
            report_escape(f, r->sets[s->set]);
            fprintf(f, ": %.2f-%.2f s, %u cores, %u GPUs</title>", s->start, s->end,
                    s->cores, s->gpus);
        }
        fputs("</rect>\n", f);
    }
    time_axis(f, r, (int)(top + nodes * block));
    if (nodes < r->platform.nodes)
        fprintf(f,
                "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">(the first %d of %d nodes)"
                "</text>\n",
                LEFT, top + nodes * block + 44, nodes, r->platform.nodes);
    return (int)(nodes * block) + 24 + 56;
}

static int legend(FILE *f, const report_t *r, int y0)
{
    int x = LEFT, y = y0 + 14;
    bool other = false;

    for (int s = 0; s < r->nsets; s++) {
        if (r->group[s] == GROUP_OTHER) {
            other = true;
            continue;
        }
        if (x > WIDTH - 160) {
            x = LEFT;
            y += 18;
        }
        fprintf(f,
                "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%d\" font-size=\"12\">",
                x, y - 10, report_colour(r->group[s]), x + 16, y);
        report_escape(f, r->sets[s]);
        fputs("</text>\n", f);
        x += 24 + 8 * (int)(strlen(r->sets[s]) < 20 ? strlen(r->sets[s]) : 20) + 12;
    }
    if (other)
        fprintf(f,
                "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%d\" font-size=\"12\">other sets</text>\n",
                x, y - 10, report_colour(GROUP_OTHER), x + 16, y);
    return y - y0 + 16;
}

void report_svg(FILE *f, const report_t *r)
{
    char *body = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&body, &size);
    int height = 0;

    /* The header states the height, known once the charts are laid out:
     * draw them into memory first. */
    if (!mem)
        return;
    height += legend(mem, r, height);
    height += usage_chart(mem, r, height, false);
    height += usage_chart(mem, r, height, true);
    height += gantt(mem, r, height);
    /* Marks last, over the charts: a dashed line each, named on hover. */
    for (size_t i = 0; i < r->nmarks; i++) {
        fprintf(mem,
                "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" "
                "stroke-dasharray=\"4 3\"><title>",
                x_of(r, r->marks[i].time), x_of(r, r->marks[i].time), height);
        report_escape(mem, r->marks[i].label);
        fputs("</title></line>\n", mem);
    }
    fclose(mem);
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" "
            "fill=\"white\"/>\n",
            WIDTH, height);
    fwrite(body, 1, size, f);
    fputs("</svg>\n", f);
    free(body);
}
