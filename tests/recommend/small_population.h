// The planted-cluster population the model tests share: 400 users, 200 items in 5 clusters,
// about 20 interactions each (recommend/synthetic.h), fixed seed.
#pragma once

#include "recommend/synthetic.h"

namespace sonora::recommend {

inline SyntheticData SmallPopulation() {
  return GenerateSynthetic(
      {.users = 400, .items = 200, .clusters = 5, .mean_interactions = 20, .seed = 11});
}

}  // namespace sonora::recommend
