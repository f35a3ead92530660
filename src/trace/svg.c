/* The report's charts as SVG: cores and GPUs in use over time, stacked by
 * set (as the paper's Figs. 3-5), and a Gantt chart per node with a lane
 * per core and one per worker that ran calls.  Attempts that failed, timed
 * out or were canceled are hatched.  Usage is integrated exactly into fixed
 * time bins, so the cost is O(slices + sets x bins) whatever the length of
 * the run. */
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
#define SVG_LIST 20      /* attempts that did not succeed listed in a bare SVG */

/* Hatching and outline per way of ending (END_DONE: none). */
static const char *const hatch[END_KINDS] = {NULL, "#c00", "#7b2fbf", "#555"};
static const char *const hatch_id[END_KINDS] = {NULL, "hf-failed", "hf-timed-out",
                                                "hf-canceled"};

static void patterns(FILE *f)
{
    fputs("<defs>", f);
    for (int how = END_FAILED; how < END_KINDS; how++)
        fprintf(
            f,
            "<pattern id=\"%s\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
            " patternTransform=\"rotate(45)\"><rect width=\"2.5\" height=\"6\" "
            "fill=\"%s\"/></pattern>",
            hatch_id[how], hatch[how]);
    fputs("</defs>\n", f);
}

/* A rect's hatching over it, for an attempt that ended as `how`. */
static void mark(FILE *f, double x, double y, double w, double h, int how)
{
    if (how != END_DONE)
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                "fill=\"url(#%s)\" stroke=\"%s\" stroke-width=\"1\"/>\n",
                x, y, w, h, hatch_id[how], hatch[how]);
}

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

        if (!s->counted || amount == 0 || s->end <= s->start)
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

/* Whether slice b draws on from slice a, on the next core lane. */
static bool continues(const rslice_t *a, const rslice_t *b)
{
    return !a->call && !b->call && b->node == a->node && b->row == a->row + 1 &&
           b->set == a->set && b->index == a->index && b->start == a->start &&
           b->end == a->end;
}

static int gantt(FILE *f, const report_t *r, int y0)
{
    int nodes = r->platform.nodes < GANTT_NODES ? r->platform.nodes : GANTT_NODES;
    int cores = r->platform.cores_per_node;
    /* About 96 px a node, within 0.5 and 20 px a lane. */
    double lane = fmin(20.0, fmax(0.5, 96.0 / cores));
    double top[GANTT_NODES + 1];
    int workers[GANTT_NODES] = {0};
    bool tips = r->nslices <= TIPS_UP_TO;
    char how[128];

    fprintf(f,
            "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">Tasks per "
            "node (a lane per core, then one per worker)</text>\n",
            LEFT, y0 + 14);
    for (size_t i = 0; i < r->nlanes; i++)
        if ((int)r->lanes[i].node < nodes)
            workers[r->lanes[i].node]++;
    top[0] = y0 + 24;
    for (int n = 0; n < nodes; n++)
        top[n + 1] = top[n] + (cores + workers[n]) * lane + 6;
    for (int n = 0; n < nodes; n++) {
        fprintf(
            f,
            "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"#f4f4f4\"/>"
            "\n<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">node %d"
            "</text>\n",
            LEFT, top[n], PLOT, cores * lane, LEFT - 4, top[n] + cores * lane / 2 + 4, n);
        if (workers[n])
            fprintf(f,
                    "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
                    "fill=\"#e6eaf2\"/>\n",
                    LEFT, top[n] + cores * lane, PLOT, workers[n] * lane);
    }
    for (size_t i = 0; i < r->nlanes && lane >= 7; i++) {
        const rlane_t *l = &r->lanes[i];
        if ((int)l->node >= nodes)
            continue;
        double size = fmin(10, lane - 1);
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"end\"",
                LEFT - 4, top[l->node] + (l->row + 1) * lane - 2, size);
        /* A long name is squeezed into the margin. */
        if (strlen(l->name) * size * 0.55 > LEFT - 6)
            fprintf(f, " textLength=\"%d\" lengthAdjust=\"spacingAndGlyphs\"", LEFT - 6);
        fputc('>', f);
        report_escape(f, l->name);
        fputs("</text>\n", f);
    }
    for (size_t i = 0, j; i < r->nslices; i = j + 1) {
        const rslice_t *s = &r->slices[i];
        double x = x_of(r, s->start), w = fmax(0.5, x_of(r, s->end) - x);
        double y = top[s->node < (uint32_t)nodes ? s->node : 0] + s->row * lane, h;

        /* A task's lanes next to each other are one rect. */
        for (j = i; j + 1 < r->nslices && continues(&r->slices[j], &r->slices[j + 1]);
             j++)
            ;
        if ((int)s->node >= nodes)
            continue;
        h = (double)(j - i + 1) * lane;
        fprintf(f,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                "stroke=\"#fff\" stroke-width=\"0.3\">",
                x, y, w, h, report_colour(r->group[s->set]));
        if (tips || s->how != END_DONE) {
            fputs("<title>", f);
            report_escape(f, r->sets[s->set]);
            if (s->call)
                fprintf(f, ": call %u, %.2f-%.2f s", s->index, s->start, s->end);
            else
                fprintf(f, ": task %u, %.2f-%.2f s, %u cores, %u GPUs", s->index,
                        s->start, s->end, s->cores, s->gpus);
            if (s->how != END_DONE) {
                fputs("; ", f);
                report_escape(f, report_how(s, how, sizeof(how)));
            }
            fputs("</title>", f);
        }
        fputs("</rect>\n", f);
        mark(f, x, y, w, h, s->how);
    }
    time_axis(f, r, (int)top[nodes]);
    if (nodes < r->platform.nodes)
        fprintf(f,
                "<text x=\"%d\" y=\"%.1f\" font-size=\"11\">(the first %d of %d nodes)"
                "</text>\n",
                LEFT, top[nodes] + 44, nodes, r->platform.nodes);
    return (int)(top[nodes] - top[0]) + 24 + 56;
}

/* A bare SVG's list of the attempts that did not succeed. */
static int failure_list(FILE *f, const report_t *r, int y0)
{
    const rslice_t *list[SVG_LIST];
    size_t n = report_failures(r, list, SVG_LIST);
    int y = y0 + 18;
    char how[192];

    if (n == 0 && r->nunstarted == 0)
        return 0;
    fprintf(f,
            "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">Tasks that "
            "did not succeed</text>\n",
            LEFT, y);
    for (size_t i = 0; i < n && i < SVG_LIST; i++) {
        y += 16;
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", LEFT, y);
        report_escape(f, r->sets[list[i]->set]);
        fprintf(f, "[%u] on node %u, %.1f-%.1f s: ", list[i]->index, list[i]->node,
                list[i]->start, list[i]->end);
        report_escape(f, report_how(list[i], how, sizeof(how)));
        fputs("</text>\n", f);
    }
    if (n > SVG_LIST) {
        y += 16;
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">... and %zu more</text>\n",
                LEFT, y, n - SVG_LIST);
    }
    for (size_t i = 0; i < r->nunstarted; i++) {
        y += 16;
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">", LEFT, y);
        report_escape(f, r->sets[r->unstarted[i].set]);
        fprintf(f, ": %s</text>\n", report_unstarted(&r->unstarted[i], how, sizeof(how)));
    }
    return y - y0 + 12;
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
    if (other) {
        fprintf(f,
                "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%d\" font-size=\"12\">other sets</text>\n",
                x, y - 10, report_colour(GROUP_OTHER), x + 16, y);
        x += 100;
    }
    /* The hatchings in use, with how many attempts each. */
    for (int how = END_FAILED; how < END_KINDS; how++) {
        if (!r->nended[how])
            continue;
        if (x > WIDTH - 160) {
            x = LEFT;
            y += 18;
        }
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#ddd\"/>",
                x, y - 10);
        mark(f, x, y - 10, 12, 12, how);
        fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s (%zu)</text>\n", x + 16,
                y, report_how_name((rend_t)how), r->nended[how]);
        x += 120;
    }
    return y - y0 + 16;
}

void report_svg(FILE *f, const report_t *r, bool alone)
{
    char *body = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&body, &size);
    int height = 0;

    /* The header states the height, known once the charts are laid out:
     * draw them into memory first. */
    if (!mem)
        return;
    patterns(mem);
    height += legend(mem, r, height);
    height += usage_chart(mem, r, height, false);
    height += usage_chart(mem, r, height, true);
    height += gantt(mem, r, height);
    if (alone)
        height += failure_list(mem, r, height);
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
