/* The floor of the expiry benchmark: what reading every certificate file costs before
 * any parsing. Walks DIR recursively with readdir and, for each regular file, calls
 * openat, read (one call into a 64 KB buffer) and close; prints the files and bytes read.
 *
 *     cc -O2 -o floor Benchmarks/floor.c && ./floor DIR
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buffer[1 << 16];
static long files, bytes;

static void walk(int dirfd_) {
    DIR *dir = fdopendir(dirfd_);
    if (!dir) { close(dirfd_); return; }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        if (entry->d_type == DT_DIR) {
            int sub = openat(dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub >= 0) walk(sub);
        } else if (entry->d_type == DT_REG) {
            int fd = openat(dirfd(dir), entry->d_name, O_RDONLY | O_CLOEXEC);
            if (fd < 0) continue;
            ssize_t n = read(fd, buffer, sizeof buffer);
            if (n > 0) bytes += n;
            files++;
            close(fd);
        }
    }
    closedir(dir);
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: floor DIR\n"); return 2; }
    int top = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (top < 0) { perror(argv[1]); return 2; }
    walk(top);
    printf("%ld files, %ld bytes\n", files, bytes);
    return 0;
}
