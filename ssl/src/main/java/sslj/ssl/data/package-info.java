/**
 * The data pipeline: datasets, augmentations and a threaded loader, read top to bottom as
 * <pre>
 *   Dataset  (Idx / FashionMnist, Cifar10, ImageFolder → ArrayDataset)   images as CHW floats in [0, 1]
 *     → Transform  (RandomResizedCrop, HorizontalFlip, ColorJitter, RandomGrayscale, GaussianBlur,
 *                   Solarize, Normalize, Compose; presets in Augmentations)  one image, one Generator
 *     → MultiView  (2 or more views per image, one pipeline each: SimCLR, BYOL, MoCo v2)
 *     → DataLoader (seeded shuffle, worker threads, bounded ordered prefetch) → Batch of Tensors
 * </pre>
 *
 * <p>Three rules hold it together. (1) Readers do every file access and every check when they are
 * built and fail with a {@link sslj.ssl.data.DatasetException} that names the file; {@code get}
 * then only converts bytes to floats. (2) Every random choice comes from a {@link sslj.tensor.Generator}
 * handed to the transform, and the loader gives sample i of epoch e the generator seeded with
 * {@code DataLoader.sampleSeed(seed, e, i)}: a run repeats exactly with any number of workers.
 * (3) The maths of each augmentation follows torchvision, whose behaviour the papers' numbers came
 * from; each class says which function it reproduces and where it departs.
 */
package sslj.ssl.data;
