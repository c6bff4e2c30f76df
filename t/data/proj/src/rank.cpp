#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "rank.h"

struct rank {
	std::map<std::string, unsigned long> words;
	std::map<size_t, unsigned long> lengths;
};

namespace {

typedef std::pair<std::string, unsigned long> entry;

bool better(const entry &a, const entry &b)
{
	if (a.second != b.second)
		return a.second > b.second;
	return a.first < b.first;
}

} // namespace

struct rank *rank_new(void)
{
	return new rank;
}

void rank_free(struct rank *r)
{
	delete r;
}

void rank_add(struct rank *r, const char *word, size_t len, unsigned long count)
{
	r->words[std::string(word, len)] += count;
}

void rank_add_length(struct rank *r, size_t len, unsigned long count)
{
	r->lengths[len] += count;
}

size_t rank_top(const struct rank *r, size_t k, rank_fn *fn, void *ctx)
{
	std::vector<entry> v(r->words.begin(), r->words.end());
	size_t n = std::min(k, v.size());

	std::partial_sort(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end(), better);
	for (size_t i = 0; i < n; i++)
		fn(ctx, i, v[i].first.c_str(), v[i].second);
	return n;
}

size_t rank_lengths(const struct rank *r, rank_fn *fn, void *ctx)
{
	size_t i = 0;

	for (std::map<size_t, unsigned long>::const_iterator it = r->lengths.begin();
	     it != r->lengths.end(); ++it) {
		fn(ctx, it->first, NULL, it->second);
		i++;
	}
	return i;
}
