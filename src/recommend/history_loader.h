// Builds the interaction matrix from the project's own tables: listens (one row per playback
// session, src/store/migrations/20261123201000_create_listens.sql) and saved_tracks (Liked
// Songs). How plays, completions, likes and skips become one signed value per (user, track) is
// in ConfidenceWeights and docs/recommendations.md, "Confidence".
#pragma once

#include "core/result.h"
#include "recommend/interactions.h"
#include "store/database.h"

namespace sonora::recommend {

struct ConfidenceWeights {
  // Per counted listen (played >= 30 s). Default: 1.
  float play = 1.0f;
  // Extra per listen that reached the end. Default: 0.5.
  float completion = 0.5f;
  // Per saved (liked) track. Default: 3: a like says more than one play.
  float like = 3.0f;
  // Subtracted per listen that was skipped before it counted. Default: 1.
  float skip = 1.0f;
};

// Reads every listen and saved track and returns one interaction per (user, track) whose
// weighted sum is not 0, timed by the latest listen start or save. Listens shorter than 30 s
// that were not skipped carry no evidence and are left out. Ids are the tables' user_id and
// track_id. Blocks on the database; reads all rows (batch training, not request paths).
// Errors: those of store::Database::Query.
Result<InteractionBuilder> LoadListeningHistory(store::Database& db,
                                                const ConfidenceWeights& weights);

}  // namespace sonora::recommend
