/* An MPI program for the launcher tests: each rank prints its rank, the
 * number of ranks, its host and the CPUs it may run on; rank 0 also checks
 * that a message goes round the ranks, so a launch that did not wire the
 * ranks together fails. */
#define _GNU_SOURCE
#include <mpi.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int rank, size, token = 0;
    char host[256], cpus[1024] = "";
    cpu_set_t set;
    size_t n = 0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    gethostname(host, sizeof(host));
    sched_getaffinity(0, sizeof(set), &set);
    for (int c = 0; c < CPU_SETSIZE && n < sizeof(cpus) - 8; c++)
        if (CPU_ISSET(c, &set))
            n += (size_t)snprintf(cpus + n, sizeof(cpus) - n, "%s%d", n ? "," : "", c);
    if (size > 1) {
        if (rank == 0) {
            token = 1;
            MPI_Send(&token, 1, MPI_INT, 1, 0, MPI_COMM_WORLD);
            MPI_Recv(&token, 1, MPI_INT, size - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else {
            MPI_Recv(&token, 1, MPI_INT, rank - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            token++;
            MPI_Send(&token, 1, MPI_INT, (rank + 1) % size, 0, MPI_COMM_WORLD);
        }
    }
    printf("rank %d of %d on %s cpus %s token %d\n", rank, size, host, cpus, token);
    MPI_Finalize();
    return size > 1 && rank == 0 && token != size ? 1 : 0;
}
