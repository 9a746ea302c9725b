# The plot of a bench samples file (columns: see samples_section in bench/lib.sh): four panels over time.
# Called by plot_samples with -e "datafile='...'; outfile='...'; plottitle='...'; marks='...'" (marks: the phase lines).
set terminal pngcairo size 1200,1500 font ",10"
set output outfile
set datafile separator "\t"
set datafile missing "-"
set grid lc rgb "gray85"
# The keys sit right of the panels, in a fixed margin, so that the four x axes line up.
set key outside right top vertical font ",9"
set lmargin 12
set rmargin 26
load marks
set multiplot layout 4,1 title plottitle font ",13"

set title "heap (MiB): used, old gen after GC, heap after GC (the pressure signal), against the level thresholds"
set ylabel "MiB"
set format x ""
set yrange [0:*]
plot datafile skip 1 using 1:3 with lines lw 1 lc rgb "#9ecae1" title "heap used", \
     "" skip 1 using 1:4 with lines lw 2 lc rgb "#08519c" title "old gen after GC", \
     "" skip 1 using 1:5 with lines lw 1.5 lc rgb "#31a354" title "heap after GC", \
     "" skip 1 using 1:6 with lines lw 1.5 dt 2 lc rgb "#fd8d3c" title "ELEVATED", \
     "" skip 1 using 1:7 with lines lw 1.5 dt 2 lc rgb "#de2d26" title "CRITICAL"

set title "pressure level"
set ylabel "level"
set yrange [-0.2:2.3]
set ytics ("NORMAL" 0, "ELEVATED" 1, "CRITICAL" 2)
plot datafile skip 1 using 1:8 with steps lw 2 lc rgb "#de2d26" notitle
set ytics autofreq

set title "request-scope resources outstanding, request scopes open"
set ylabel "count"
set yrange [0:*]
plot datafile skip 1 using 1:9 with lines lw 2 lc rgb "#756bb1" title "outstanding resources", \
     "" skip 1 using 1:10 with lines lw 1 lc rgb "#bcbddc" title "open scopes"

set title "responses per second (all statuses), and of them shed (503 overloaded)"
set ylabel "per second"
set xlabel "seconds since the sampler started"
set format x "%g"
plot datafile skip 1 using 1:11 with lines lw 1.5 lc rgb "#08519c" title "responses/s", \
     "" skip 1 using 1:12 with lines lw 1.5 lc rgb "#de2d26" title "shed/s"
unset multiplot
