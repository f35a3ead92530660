"""N empty Python tasks through Dask distributed (Debian's python3-distributed):
a LocalCluster of P worker processes, one thread each (as hetflow's P
workers), client.map over the tasks and one gather.  Prints the seconds from
the first submit to the last result, cluster start-up not counted (which
favours Dask: hetflow's time includes its workers' start-up).

    /usr/bin/python3 dask_rate.py N P
"""
import sys
import time

from distributed import Client, LocalCluster


def empty(i):
    return None


def main(n, p):
    with LocalCluster(n_workers=p, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.submit(empty, -1).result()  # everything warm
        t0 = time.monotonic()
        futures = client.map(empty, range(n), pure=False)
        client.gather(futures)
        print(f"{time.monotonic() - t0:.4f}")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
