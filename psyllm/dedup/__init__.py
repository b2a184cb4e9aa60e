"""Near- and exact-duplicate clusters over MinHash signatures, as block-local steps that run the same in one
process (`reference.resolve`) and on Ray Data (`psyllm.runtime.dedup`).

Semantics (chosen on purpose, the way large curation pipelines cluster): a cluster is a connected component of
the graph whose edges are (1) equal normalized-text hashes and (2) LSH candidate pairs whose estimated Jaccard
similarity is at least the threshold. A chain A~B~C with A!~C is one cluster. Its representative is the member
that comes first in input order (the smallest `node` key, e.g. file then line), so reruns agree; every other
member is a duplicate of it: `exact` when its text hash equals the representative's, else `near` with the
similarity to the representative (which, for a chained member, may be below the threshold).

Each step is a function over a table holding whole groups of its key (a hash partition on Ray Data, the whole
input in the reference), so the two implementations share every decision.
"""
