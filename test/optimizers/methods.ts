// The methods every contract test runs over, with options small enough for quick tests.
export const CONTRACT_METHODS: { label: string; name: string; options: Record<string, unknown> }[] = [
  { label: 'random', name: 'random', options: {} },
  { label: 'sobol', name: 'sobol', options: {} },
  { label: 'nsga2', name: 'nsga2', options: { populationSize: 8 } },
  { label: 'shemoa', name: 'shemoa', options: { populationSize: 6, maxEvaluations: 60 } },
  { label: 'shemoa (paper)', name: 'shemoa', options: { populationSize: 6, maxEvaluations: 60, variant: 'paper' } },
  { label: 'mobohb', name: 'mobohb', options: { nInit: 6, minPointsInModel: 8, maxBrackets: 60 } },
  { label: 'mobohb (paper)', name: 'mobohb', options: { nInit: 6, minPointsInModel: 8, maxBrackets: 60, variant: 'paper' } },
  // selectModels 9 on the 5..25 ladder [9, 25]: the paper's halving by 3 keeps 9 → 3 → 1
  { label: 'mobananas', name: 'mobananas', options: { nInit: 6, numArch: 8, selectModels: 9, minBudget: 5, functionEvaluations: 200, ensembleSize: 3, epochs: 20 } },
  {
    label: 'mobananas (paper)',
    name: 'mobananas',
    options: { nInit: 6, numArch: 8, selectModels: 9, minBudget: 5, functionEvaluations: 200, ensembleSize: 3, epochs: 20, variant: 'paper' },
  },
  { label: 'mobananas-plain', name: 'mobananas-plain', options: { nInit: 6, numArch: 6, selectModels: 3, functionEvaluations: 60, ensembleSize: 3, epochs: 20 } },
  {
    label: 'mobananas-plain (paper)',
    name: 'mobananas-plain',
    options: { nInit: 6, numArch: 6, selectModels: 3, functionEvaluations: 60, ensembleSize: 3, epochs: 20, variant: 'paper' },
  },
  // a light acquisition (ask() of a few ms) so that the wall-clock test holds on a loaded machine
  { label: 'msehvi', name: 'msehvi', options: { nInit: 6, rawSamples: 100, numRestarts: 1, gp: { restarts: 1 } } },
  { label: 'msehvi (paper)', name: 'msehvi', options: { nInit: 6, rawSamples: 100, numRestarts: 1, gp: { restarts: 1 }, variant: 'paper' } },
];
