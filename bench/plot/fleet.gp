# The plot of bench/run fleet (fleet-samples.tsv, see bench/scenarios/fleet.sh): one panel per mode, answers per
# second by the instance that gave them, the non-2xx clients got and the requests nginx retried; the CRITICAL spell
# of instance 1 shaded. Called with -e "datafile='...'; outfile='...'; at=SECONDS; dur=SECONDS".
set terminal pngcairo size 1200,900 font ",10"
set output outfile
# Titles hold underscores (proxy_next_upstream): no subscripts.
set termoption noenhanced
set datafile separator "\t"
set grid lc rgb "gray85"
set key outside right top vertical font ",9"
set lmargin 12
set rmargin 28
set yrange [0:*]
set ylabel "per second"
set object 1 rect from at, graph 0 to at + dur, graph 1 behind fc rgb "#fde0dd" fs solid 0.6 noborder
set multiplot layout 2,1 title "two Bulwark instances behind nginx; instance 1 forced CRITICAL (shaded)" font ",13"
do for [m in "retry off"] {
  set title sprintf("proxy_next_upstream %s", m eq "retry" ? "error timeout http_503 (tries 2)" : "off")
  if (m eq "off") { set xlabel "seconds since wrk started" }
  # Instance 2 wide and light under instance 1: while both serve the same share the lines coincide.
  plot datafile skip 1 using 1:(strcol(2) eq m ? $4 : 1/0) with lines lw 5 lc rgb "#9ecae1" title "served by instance 2", \
       "" skip 1 using 1:(strcol(2) eq m ? $3 : 1/0) with lines lw 2 lc rgb "#de2d26" title "served by instance 1", \
       "" skip 1 using 1:(strcol(2) eq m ? $5 : 1/0) with impulses lw 4 lc rgb "black" title "non-2xx to clients", \
       "" skip 1 using 1:(strcol(2) eq m ? $6 : 1/0) with lines lw 1 dt 2 lc rgb "#756bb1" title "retried by nginx"
}
unset multiplot
