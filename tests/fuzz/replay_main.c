// SPDX-License-Identifier: GPL-2.0
/*
 * Replays a libFuzzer target's corpus without libFuzzer, so `make check` runs
 * every saved input through the target (under ASan/UBSan with SANITIZE=1).
 * Usage: replay_<name> [FILE|DIR]...; default tests/fuzz/corpus/<name>/
 * relative to $SCX_SRC (or the current directory).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int nr_inputs;

static int replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!fp) {
		perror(path);
		return 1;
	}
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || (n > 0 && fread(buf, 1, (size_t)n, fp) != (size_t)n)) {
		fprintf(stderr, "%s: read failed\n", path);
		fclose(fp);
		free(buf);
		return 1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	nr_inputs++;
	return 0;
}

static int replay(const char *path)
{
	struct dirent **ents;
	struct stat st;
	int n, err = 0;

	if (stat(path, &st)) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			char *p = malloc(strlen(path) + strlen(ents[i]->d_name) + 2);

			sprintf(p, "%s/%s", path, ents[i]->d_name);
			err |= replay(p);
			free(p);
		}
		free(ents[i]);
	}
	free(ents);
	return err;
}

int main(int argc, char **argv)
{
	const char *src = getenv("SCX_SRC");
	char def[4096];
	int err = 0;

	if (argc < 2) {
		snprintf(def, sizeof(def), "%s/tests/fuzz/corpus/%s", src ? src : ".", FUZZ_NAME);
		err = replay(def);
	}
	for (int i = 1; i < argc; i++)
		err |= replay(argv[i]);
	printf("%s: replayed %d inputs\n", FUZZ_NAME, nr_inputs);
	if (!nr_inputs) {
		fprintf(stderr, "%s: empty corpus\n", FUZZ_NAME);
		return 1;
	}
	return err;
}
